"""The dashboard home: activation counts and chart, invites needing attention with one-click
actions, recent activity; archived accounts and the test client do not count."""

from __future__ import annotations

import re
from datetime import timedelta

from portal.clients import activation
from portal.clients.models import AccountContact, ClientAccount, Contact, Invitation
from portal.core.database import utcnow
from portal.core.extensions import db
from tests.fixtures.tenants import HostClient


def _person(tenant_id: int, name: str, *, login: bool = True, **contact: object) -> Contact:
    account = ClientAccount(tenant_id=tenant_id, name=f"{name} account")
    person = Contact(tenant_id=tenant_id, email=f"{name}@clients.example", **contact)
    db.session.add_all([account, person])
    db.session.flush()
    db.session.add(
        AccountContact(
            tenant_id=tenant_id, account_id=account.id, contact_id=person.id, login_enabled=login
        )
    )
    return person


def _invite(tenant_id: int, person: Contact, *, days_ago: int, **fields: object) -> None:
    now = utcnow()
    values: dict[str, object] = {
        "expires_at": now + timedelta(days=7 - days_ago),
        "first_sent_at": now - timedelta(days=days_ago),
        "last_sent_at": now - timedelta(days=days_ago),
        "send_count": 1,
    } | fields
    db.session.add(
        Invitation(
            tenant_id=tenant_id,
            contact_id=person.id,
            email=person.email,
            nonce=person.email,
            token_hash=person.email[:64],
            **values,
        )
    )


def test_counts_chart_attention_and_activity(firm: HostClient, tenant) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    t = tenant.id
    _person(t, "offline", login=False)
    _person(t, "pending")
    _invite(t, _person(t, "invited"), days_ago=2)
    _invite(t, _person(t, "expired"), days_ago=20)
    _invite(t, _person(t, "bounced"), days_ago=1, bounced_at=now, bounce_reason="550 no such user")
    _invite(t, _person(t, "nagged"), days_ago=1, send_count=3)
    _person(
        t, "active", activated_at=now - timedelta(days=30), last_login_at=now - timedelta(hours=1)
    )
    archived = _person(t, "archived")
    db.session.flush()
    for account in db.session.scalars(
        db.select(ClientAccount).where(ClientAccount.name == "archived account")
    ):
        account.archived_at = now
    db.session.commit()
    assert archived.id

    counts = activation.counts(t)
    assert counts.contacts == {
        activation.Funnel.OFFLINE: 1,
        activation.Funnel.PENDING: 1,
        activation.Funnel.INVITED: 4,
        activation.Funnel.ACTIVE: 1,
    }
    assert counts.active_share == 14 and counts.accounts_active == 6
    weeks = activation.history(t)
    assert len(weeks) == activation.WEEKS
    assert weeks[-1].counts[activation.Funnel.ACTIVE] == 1
    assert weeks[-4].counts[activation.Funnel.ACTIVE] == 0  # activated 30 days ago: not yet then

    page = firm.get("/admin/").get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page and "Show the numbers as a table" in page
    attention = page.split('id="attention-heading"')[1].split("</section>")[0]
    for who in ("expired", "bounced", "nagged"):
        assert f"{who}@clients.example" in attention
    assert "invited@clients.example" not in attention and "archived@" not in page
    assert "Bounced: 550 no such user" in attention and "Sent 3 times" in attention
    assert "data-confirm=" in attention, "cancelling asks first"
    activity = page.split('id="activity-heading"')[1]
    assert "active@clients.example" in activity and "signed in" in activity

    expired = db.session.scalar(
        db.select(Contact.id).where(Contact.email == "expired@clients.example")
    )
    response = firm.submit(
        "/admin/",
        {"contact_ids": str(expired), "back": "dashboard"},
        action="/admin/clients/pending/cancel",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    after = firm.get("/admin/").get_data(as_text=True)
    assert (
        "expired@clients.example"
        not in after.split('id="attention-heading"')[1].split("</section>")[0]
    )
    assert re.search(r"Cancelled invitations of 1 contact", after)
