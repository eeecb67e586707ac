"""Invitation emails per recipient are limited (3 an hour, 10 a day) on every staff path."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from portal.clients.models import Contact, Invitation
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.mail.models import OutboxMessage
from tests.fixtures.people import invite_link_in, tenant_host
from tests.fixtures.smtp import text_of


def _contact_id(email: str) -> int:
    return db.session.scalar(select(Contact.id).where(Contact.email == email))


def _emails_to(address: str) -> int:
    return db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.to_address == address)
    )


def _resend(firm, account_id: int, contact_id: int):  # type: ignore[no-untyped-def]
    return firm.submit(
        f"/admin/clients/{account_id}",
        {"personal_message": ""},
        action=f"/admin/clients/{account_id}/contacts/{contact_id}/invite",
        follow_redirects=True,
    )


def _age_emails(address: str, by: timedelta) -> None:
    """Pretend the emails so far went out `by` earlier (the limits look at created_at)."""
    for row in db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)):
        row.created_at -= by  # in Python: SQLite has no interval arithmetic
    db.session.commit()


def test_single_resend_stops_at_three_an_hour_and_ten_a_day(firm, tenant, smtp, create_client):
    address = "spam-me@client.example"
    account_id = create_client(address)
    contact_id = _contact_id(address)
    for _ in range(2):
        assert "Invitation sent to" in _resend(firm, account_id, contact_id).get_data(as_text=True)

    for _ in range(47):  # the reported attack: 50 posts
        page = _resend(firm, account_id, contact_id).get_data(as_text=True)
        assert f"Not sent to {address}: at most 3 an hour" in page
    assert _emails_to(address) == 3
    assert len(smtp.wait_for(3)) == 3
    invitation = db.session.scalar(select(Invitation))
    db.session.refresh(invitation)
    assert invitation.send_count == 3  # refused resends change nothing

    # An hour later three more may go, up to ten within the day.
    for sent_so_far in (3, 6, 9):
        _age_emails(address, timedelta(minutes=61))
        for _ in range(3):
            _resend(firm, account_id, contact_id)
        assert _emails_to(address) == min(sent_so_far + 3, 10)
    _age_emails(address, timedelta(minutes=61))
    page = _resend(firm, account_id, contact_id).get_data(as_text=True)
    assert f"Not sent to {address}: at most 10 a day" in page
    assert _emails_to(address) == 10

    _age_emails(address, timedelta(days=1))
    assert "Invitation sent to" in _resend(firm, account_id, contact_id).get_data(as_text=True)
    assert _emails_to(address) == 11


def test_pending_bulk_resend_skips_and_names_who_reached_the_limit(
    firm, tenant, smtp, create_client
):
    create_client("busy@client.example", account="Busy")
    create_client("calm@client.example", account="Calm")
    busy, calm = _contact_id("busy@client.example"), _contact_id("calm@client.example")
    for _ in range(2):
        firm.submit(
            "/admin/clients/pending",
            {"contact_ids": [busy]},
            action="/admin/clients/pending/resend",
        )
    assert _emails_to("busy@client.example") == 3

    page = firm.submit(
        "/admin/clients/pending",
        {"contact_ids": [busy, calm]},
        action="/admin/clients/pending/resend",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Resent invitations to 1 contact(s)." in page
    assert "Not resent to busy@client.example: at most 3 an hour and 10 a day" in page
    assert "calm@client.example:" not in page
    assert _emails_to("busy@client.example") == 3
    assert _emails_to("calm@client.example") == 2


def test_settings_invites_refuses_on_the_form_and_changes_nothing(
    firm, tenant, smtp, create_client
):
    create_client("again@client.example", account="First")
    other = create_client("someone@client.example", account="Second", invite=False)
    for _ in range(2):
        firm.submit(
            "/admin/clients/pending",
            {"contact_ids": [_contact_id("again@client.example")]},
            action="/admin/clients/pending/resend",
        )
    response = firm.submit(
        "/admin/settings/invites",
        {"email": "again@client.example", "account_id": other, "personal_message": ""},
    )
    assert response.status_code == 422
    assert "Not sent to again@client.example: at most 3 an hour" in response.get_data(as_text=True)
    assert _emails_to("again@client.example") == 3
    second = firm.get(f"/admin/clients/{other}").get_data(as_text=True)
    assert "again@client.example" not in second  # the refused invite linked nothing


def test_limits_are_per_tenant_and_per_address(firm, tenant, smtp, create_client):
    create_client("one@client.example", account="One")
    create_client("two@client.example", account="Two")
    one = _contact_id("one@client.example")
    for _ in range(5):
        firm.submit(
            "/admin/clients/pending", {"contact_ids": [one]}, action="/admin/clients/pending/resend"
        )
    assert _emails_to("one@client.example") == 3
    page = firm.submit(
        "/admin/clients/pending",
        {"contact_ids": [_contact_id("two@client.example")]},
        action="/admin/clients/pending/resend",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Resent invitations to 1 contact(s)." in page
    assert _emails_to("two@client.example") == 2


def test_client_paths_at_the_limit_answer_the_same_and_send_nothing(
    firm, tenant, smtp, create_client, client_for
):
    """Forgot-password (invitation resent) and renewing an expired link fall under the same
    limit; at the limit they answer exactly as before and send nothing (no enumeration)."""
    address = "forgetful@client.example"
    create_client(address)
    link = invite_link_in(text_of(smtp.wait_for(1)[0]))
    visitor = client_for(tenant_host(tenant))

    def forgot() -> tuple[int, str]:
        response = visitor.submit("/forgot-password", {"email": address})
        return response.status_code, response.get_data(as_text=True)

    before = forgot()
    forgot()
    assert _emails_to(address) == 3
    at_limit = forgot()
    assert at_limit[0] == before[0] == 200
    assert "Check your email" in at_limit[1] and "Not sent" not in at_limit[1]
    assert _emails_to(address) == 3

    db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    path = link.split(tenant_host(tenant), 1)[1]
    renewed = visitor.submit(path, {}, action=f"{path}/renew")
    assert renewed.status_code == 200 and "Request received" in renewed.get_data(as_text=True)
    assert _emails_to(address) == 3
