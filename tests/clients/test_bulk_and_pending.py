"""Bulk 'enable login and invite', and the pending-activation list's bulk actions."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, insert, select

from portal.clients.models import AccountContact, ClientAccount, Contact, Invitation
from portal.core.extensions import db
from tests.fixtures.smtp import text_of


def _seed_accounts(tenant_id: int, count: int) -> None:
    db.session.execute(
        insert(ClientAccount),
        [
            {"tenant_id": tenant_id, "name": f"Client {n:05d}", "kind": "company"}
            for n in range(count)
        ],
    )
    db.session.execute(
        insert(Contact),
        [
            {"tenant_id": tenant_id, "email": f"c{n}@bulk.example", "name": f"Contact {n}"}
            for n in range(count)
        ],
    )
    accounts = db.session.scalars(
        select(ClientAccount.id)
        .where(ClientAccount.tenant_id == tenant_id)
        .order_by(ClientAccount.id)
    ).all()
    contacts = db.session.scalars(
        select(Contact.id).where(Contact.tenant_id == tenant_id).order_by(Contact.id)
    ).all()
    db.session.execute(
        insert(AccountContact),
        [
            {"tenant_id": tenant_id, "account_id": a, "contact_id": c, "login_enabled": False}
            for a, c in zip(accounts, contacts, strict=True)
        ],
    )
    db.session.commit()


def _as_signed_in(app, signed_in):  # type: ignore[no-untyped-def]
    """A client of `app` carrying the cookies of an already signed-in client."""
    client = app.test_client(host=signed_in.host)
    for cookie in signed_in._cookies.values():
        client._cookies[(cookie.domain, cookie.path, cookie.key)] = cookie
    return client


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_bulk_invite_of_2000_contacts_returns_at_once_and_shows_progress(
    firm, tenant, smtp, redis_app, start_worker
):
    _seed_accounts(tenant.id, 2000)
    staff = _as_signed_in(redis_app, firm)
    listing = staff.get("/admin/clients/?status=offline").get_data(as_text=True)
    assert "Select all 2000 matching accounts" in listing
    response = staff.submit(
        "/admin/clients/?status=offline",
        {"select_all_matching": "1", "send_invitations": "y", "personal_message": "Tax season"},
        action="/admin/clients/bulk?status=offline",
    )
    assert response.status_code == 302
    progress_url = response.headers["Location"]
    assert "Working: 0 of 2000 accounts processed" in staff.get(progress_url).get_data(as_text=True)

    start_worker(redis_app)
    start_worker(redis_app)
    deadline = time.monotonic() + 240
    while True:
        page = staff.get(progress_url).get_data(as_text=True)
        if "Done: 2000 of 2000 accounts processed, 2000 invitation(s) sent" in page:
            break
        assert time.monotonic() < deadline, "bulk run did not finish"
        time.sleep(0.5)
    assert db.session.scalar(select(func.count(Invitation.id))) == 2000
    mails = smtp.wait_for(2000, timeout=240)
    assert "Tax season" in text_of(mails[0])
    assert smtp.connections <= 2000 // 200 + 5, "bulk mail goes out in batches, one connection each"
    listing = staff.get("/admin/clients/?status=offline").get_data(as_text=True)
    assert "No client accounts match." in listing


def test_bulk_enable_login_without_invitations_in_embedded_mode(firm, tenant, smtp):
    _seed_accounts(tenant.id, 5)
    ids = db.session.scalars(select(ClientAccount.id).order_by(ClientAccount.id)).all()
    response = firm.submit(
        "/admin/clients/", {"account_ids": [ids[0], ids[1]]}, action="/admin/clients/bulk"
    )
    page = firm.get(response.headers["Location"]).get_data(as_text=True)
    assert "Done: 2 of 2 accounts processed, 0 invitation(s) sent" in page
    assert smtp.messages == []
    active = firm.get("/admin/clients/?status=active").get_data(as_text=True)
    assert active.count('aria-label="Select Client') == 2
    nothing = firm.submit(
        "/admin/clients/", {}, action="/admin/clients/bulk", follow_redirects=True
    )
    assert "Select at least one client account." in nothing.get_data(as_text=True)


def test_resend_and_cancel_to_selected(firm, tenant, smtp, create_client):
    for name in ("a", "b", "c"):
        create_client(f"{name}@client.example", account=f"Account {name}")
    smtp.wait_for(3)
    ids = dict(db.session.execute(select(Contact.email, Contact.id)).all())
    page = firm.get("/admin/clients/pending").get_data(as_text=True)
    assert all(f"{n}@client.example" in page for n in "abc")

    firm.submit(
        "/admin/clients/pending",
        {"contact_ids": [ids["a@client.example"], ids["b@client.example"]]},
        action="/admin/clients/pending/resend",
    )
    assert len(smtp.wait_for(5)) == 5
    firm.submit(
        "/admin/clients/pending",
        {"contact_ids": [ids["b@client.example"]]},
        action="/admin/clients/pending/cancel",
    )
    page = firm.get("/admin/clients/pending").get_data(as_text=True)
    row_b = re.search(r"b@client\.example.*?</tr>", page, re.S).group(0)
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row_b, re.S)
    ]
    # A cancelled invitation keeps its history (sent twice, the date) under its own status.
    sent_at, status, invited_by, count = cells[2:6]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", sent_at)
    assert status.startswith("Cancelled")
    assert "(team)" in invited_by
    assert count == "2"
    row_a = re.search(r"a@client\.example.*?</tr>", page, re.S).group(0)
    assert ">Invited</span>" in row_a and "Cancelled" not in row_a

    empty = firm.submit(
        "/admin/clients/pending", {}, action="/admin/clients/pending/resend", follow_redirects=True
    )
    assert "Select at least one contact." in empty.get_data(as_text=True)


def test_pending_list_sorts_by_sent_date_and_flags_bad_addresses(firm, tenant, create_client, smtp):
    create_client("first@client.example", account="A")
    create_client("quiet@client.example", account="B", invite=False)
    create_client("second@client.example", account="C")
    db.session.execute(
        Contact.__table__.update()
        .where(Contact.email == "quiet@client.example")
        .values(email_problem="No mail server")
    )
    db.session.commit()
    newest_first = firm.get("/admin/clients/pending").get_data(as_text=True)
    assert (
        newest_first.index("second@") < newest_first.index("first@") < newest_first.index("quiet@")
    )
    oldest_first = firm.get("/admin/clients/pending?sort=sent_asc").get_data(as_text=True)
    assert (
        oldest_first.index("quiet@") < oldest_first.index("first@") < oldest_first.index("second@")
    )
    assert "No mail server" in newest_first
