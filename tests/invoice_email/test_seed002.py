"""Seed 002: email an invoice to its matter's addresses, CC and BCC, inviting only To."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select

from portal.billing.models import Invoice, InvoiceStatus
from portal.clients.models import AccountContact, ClientAccount, Contact, Invitation
from portal.core.extensions import db
from portal.mail.models import OutboxMessage
from portal.payments.recording import Allocation, record_payment
from tests.fixtures.people import invite_link_in
from tests.fixtures.smtp import text_of
from tests.fixtures.tenants import csrf_from
from tests.invoice_email.conftest import email_page, pdf_of, pdf_text, send_form
from tests.payments.helpers import make_invoice


def _contacts() -> dict[str, Contact]:
    return {contact.email: contact for contact in db.session.scalars(select(Contact))}


def test_matter_email_prefills_to_and_account_email_otherwise(
    firm: Any, invoice: Callable[..., Invoice]
) -> None:
    with_matter = invoice()
    page = firm.get(email_page(firm, with_matter)).get_data(as_text=True)
    assert 'value="a@x.example; b@y.example"' in page
    assert "billing@birch.example" not in page
    assert "Email preview" in page and with_matter.number in page
    without = invoice(matter_email=None)
    page = firm.get(email_page(firm, without)).get_data(as_text=True)
    assert 'value="billing@birch.example"' in page
    empty_matter = invoice(matter_email="")
    page = firm.get(email_page(firm, empty_matter)).get_data(as_text=True)
    assert 'value="billing@birch.example"' in page


def test_seed_002_invites_to_only_pdf_attached_headers_right(
    firm: Any, smtp: Any, invoice: Callable[..., Invoice], accept_invitation: Any,
    account: Any, tenant: Any,
) -> None:  # fmt: skip
    sent = invoice()
    response = send_form(
        firm, sent, to="a@x.example; b@y.example", cc="c@z.example", bcc="d@w.example",
        invite=True,
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    page = firm.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invited to the portal: a@x.example, b@y.example" in page
    assert "Sent" in page
    messages = smtp.wait_for(4)
    assert len(messages) == 4  # one copy per recipient, invitations inside
    rows = {row.message_id: row for row in db.session.scalars(select(OutboxMessage))}
    by_recipient = {rows[m["Message-ID"]].to_address: m for m in messages}
    assert set(by_recipient) == {"a@x.example", "b@y.example", "c@z.example", "d@w.example"}
    for address, message in by_recipient.items():
        assert sorted(message["To"].split(", ")) == ["a@x.example", "b@y.example"]
        assert message["Cc"] == "c@z.example"
        assert message["Bcc"] is None and "d@w.example" not in str(message).split("\n\n")[0]
        data = pdf_of(message)
        assert data.startswith(b"%PDF") and sent.number in pdf_text(data)
        text = text_of(message)
        assert "View and pay" in text
        assert ("/invite/" in text) == (address in ("a@x.example", "b@y.example")), address
    contacts = _contacts()
    assert set(contacts) == {"a@x.example", "b@y.example"}  # CC and BCC never invited
    links = db.session.scalars(select(AccountContact)).all()
    assert {link.contact_id for link in links if link.login_enabled} == {
        contacts["a@x.example"].id, contacts["b@y.example"].id
    }  # fmt: skip
    assert len(db.session.scalars(select(Invitation)).all()) == 2
    db.session.expire_all()
    assert db.session.get(Invoice, sent.id).status == InvoiceStatus.SENT  # type: ignore[union-attr]

    # a accepts, signs in, sees the invoice and the payment history
    record_payment(
        tenant.id, account.id, amount_minor=2345, paid_on=date(2026, 11, 20),
        method="bank_transfer", allocations=[Allocation(sent.id, 2345)], reference="REF-B3",
    )  # fmt: skip
    db.session.commit()
    client = accept_invitation(invite_link_in(text_of(by_recipient["a@x.example"])))
    page = client.get("/invoices/").get_data(as_text=True)
    assert sent.number in page and "REF-B3" in page


def test_bad_entry_named_and_nothing_sent(
    firm: Any, smtp: Any, invoice: Callable[..., Invoice]
) -> None:
    sent = invoice()
    response = send_form(firm, sent, to="a@x.example; not-an-email", invite=True)
    assert response.status_code == 422
    assert "not-an-email" in response.get_data(as_text=True)
    response = send_form(firm, sent, to="a@x.example", bcc="bad@@x")
    assert response.status_code == 422 and "bad@@x" in response.get_data(as_text=True)
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert db.session.scalars(select(Contact)).all() == []
    db.session.expire_all()
    assert db.session.get(Invoice, sent.id).status == InvoiceStatus.DRAFT  # type: ignore[union-attr]
    assert smtp.messages == []


def test_already_active_recipient_not_reinvited(
    firm: Any, smtp: Any, invoice: Callable[..., Invoice], accept_invitation: Any
) -> None:
    first = invoice(matter_email="a@x.example")
    send_form(firm, first, to="a@x.example", invite=True)
    [mail] = smtp.wait_for(1)
    accept_invitation(invite_link_in(text_of(mail)))
    smtp.clear()
    second = invoice(matter_email="a@x.example")
    response = send_form(firm, second, to="a@x.example", invite=True)
    page = firm.get(response.headers["Location"]).get_data(as_text=True)
    assert "Already using the portal: a@x.example" in page
    [mail] = smtp.wait_for(1)
    assert "/invite/" not in text_of(mail)
    assert len(db.session.scalars(select(Invitation)).all()) == 1


def test_separate_invite_setting_sends_two_emails(
    firm: Any, smtp: Any, invoice: Callable[..., Invoice]
) -> None:
    response = firm.submit("/admin/invoice-email/settings", {"invoice_invite_separately": "y"})
    assert response.status_code == 302
    sent = invoice(matter_email="a@x.example")
    send_form(firm, sent, to="a@x.example", invite=True)
    messages = smtp.wait_for(2)
    kinds = sorted(row.kind for row in db.session.scalars(select(OutboxMessage)))
    assert kinds == ["client_invitation", "invoice"]
    invoice_mail = next(m for m in messages if any(m.iter_attachments()))
    assert "/invite/" not in text_of(invoice_mail)
    other = next(m for m in messages if m is not invoice_mail)
    assert "/invite/" in text_of(other)


def test_another_firms_invoice_is_not_found(
    firm: Any, smtp: Any, make_tenant: Any, make_staff: Any
) -> None:
    other = make_tenant("bravo", name="Bravo Zulu Partners")
    theirs = ClientAccount(tenant_id=other.id, name="Xanadu Quartz Holdings", kind="company")
    db.session.add(theirs)
    db.session.commit()
    foreign = make_invoice(other.id, theirs.id, [500], send=False)
    assert firm.get(email_page(firm, foreign)).status_code == 404
    csrf = csrf_from(firm.get("/admin/invoice-email/settings").get_data(as_text=True))
    data = {"csrf_token": csrf, "to": "a@x.example", "confirm": "y"}
    assert firm.post(email_page(firm, foreign), data=data).status_code == 404
    assert db.session.scalars(select(OutboxMessage)).all() == [] and smtp.messages == []


def test_staff_member_may_email_but_not_change_the_setting(
    signed_in: Any, invoice: Callable[..., Invoice], smtp: Any
) -> None:
    member = signed_in("member@acme.example", "member")
    assert member.get("/admin/invoice-email/settings").status_code == 403
    sent = invoice(matter_email="a@x.example")
    assert send_form(member, sent, to="a@x.example").status_code == 302
    assert len(smtp.wait_for(1)) == 1
