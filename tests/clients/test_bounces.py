"""A permanent SMTP rejection (5xx) is shown to staff as "Bounced" with the server's reason,
flags the address, and offers to correct it (a real aiosmtpd server refuses the recipient)."""

from __future__ import annotations

import time

from sqlalchemy import select

from portal.clients.models import Contact, Invitation
from portal.core.extensions import db
from portal.mail.models import OutboxMessage, OutboxStatus


def _wait_until_failed(address: str) -> OutboxMessage:
    deadline = time.monotonic() + 10
    while True:
        db.session.expire_all()
        row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == address))
        if row is not None and row.status == OutboxStatus.FAILED:
            return row
        assert time.monotonic() < deadline, "the rejection was not recorded"
        time.sleep(0.05)


def test_rejected_invitation_shows_bounced_with_the_reason_and_can_be_corrected(
    firm, tenant, smtp, create_client
):
    smtp.handler.reject["typo@client.exmaple"] = "550 5.1.1 No such user here"
    account_id = create_client("typo@client.exmaple")
    row = _wait_until_failed("typo@client.exmaple")
    assert row.attempts == 1  # never retried

    contact = db.session.scalar(select(Contact))
    assert contact.email_problem == "Bounced: recipient refused: 550 5.1.1 No such user here"
    invitation = db.session.scalar(select(Invitation))
    assert invitation.bounced_at is not None
    assert invitation.bounce_reason == "recipient refused: 550 5.1.1 No such user here"

    page = firm.get(f"/admin/clients/{account_id}").get_data(as_text=True)
    assert ">Bounced</span>" in page
    assert "550 5.1.1 No such user here" in page
    assert "Invited" not in page and "· 1 time(s)" not in page
    assert "Address problem" in page
    assert f'href="#email-{contact.id}"' in page and f'id="email-{contact.id}"' in page

    pending = firm.get("/admin/clients/pending").get_data(as_text=True)
    assert ">Bounced</span>" in pending and "550 5.1.1 No such user here" in pending
    assert f"/admin/clients/{account_id}#email-{contact.id}" in pending

    # Correcting the address clears the flag; the next invitation arrives.
    firm.submit(
        f"/admin/clients/{account_id}",
        {"email": "typo@client.example"},
        action=f"/admin/clients/{account_id}/contacts/{contact.id}/email",
    )
    firm.submit(
        f"/admin/clients/{account_id}",
        {"personal_message": ""},
        action=f"/admin/clients/{account_id}/contacts/{contact.id}/invite",
    )
    smtp.wait_for(1, to="typo@client.example")
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).email_problem is None
    page = firm.get(f"/admin/clients/{account_id}").get_data(as_text=True)
    assert ">Invited</span>" in page and ">Bounced</span>" not in page


def test_temporary_rejection_is_not_a_bounce(firm, tenant, smtp, create_client):
    smtp.handler.reject["later@client.example"] = "451 4.7.1 Greylisted, try again later"
    account_id = create_client("later@client.example")
    deadline = time.monotonic() + 10
    while True:
        db.session.expire_all()
        row = db.session.scalar(select(OutboxMessage))
        if row.attempts >= 1 and row.status == OutboxStatus.QUEUED:
            break
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert db.session.scalar(select(Contact.email_problem)) is None
    page = firm.get(f"/admin/clients/{account_id}").get_data(as_text=True)
    assert ">Invited</span>" in page and "Bounced" not in page

    del smtp.handler.reject["later@client.example"]  # the retry (1 s in tests) gets through
    smtp.wait_for(1, to="later@client.example")
    deadline = time.monotonic() + 10
    while db.session.scalar(select(OutboxMessage.status)) != OutboxStatus.SENT:
        assert time.monotonic() < deadline, "the retry was not recorded as sent"
        time.sleep(0.05)
        db.session.expire_all()
