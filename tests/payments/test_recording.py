"""Staff record payments and refunds from an invoice: statuses follow, amounts are exact
integers in minor units, and bad input is refused on the form with nothing saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.billing.models import Invoice
from portal.core.extensions import db
from portal.payments.models import Payment, PaymentAllocation


def _record(firm, invoice_id: int, amount: str, **extra: str):  # type: ignore[no-untyped-def]
    data = {
        "kind": "payment",
        "amount": amount,
        "paid_on": date.today().isoformat(),
        "method": "bank_transfer",
        "reference": "BANK-REF-1",
        **extra,
    }
    page = f"/admin/payments/record/{invoice_id}"
    if extra.get("kind") == "refund":
        page += "?kind=refund"
    return firm.submit(page, data, action=f"/admin/payments/record/{invoice_id}")


def _status(invoice_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Invoice, invoice_id).status_label


def test_partial_then_full_payment_moves_the_invoice_to_paid(firm, client, invoice):
    bill = invoice(10000, 2550)  # USD 125.50
    assert _record(firm, bill.id, "25.50").status_code == 302
    assert _status(bill.id) == "Partially paid"
    page = client.get("/invoices/").get_data(as_text=True)
    assert "Partially paid" in page and "BANK-REF-1" in page
    assert _record(firm, bill.id, "100.00", reference="BANK-REF-2").status_code == 302
    assert _status(bill.id) == "Paid"
    assert db.session.get(Invoice, bill.id).paid_minor == 12550
    listing = firm.get("/admin/payments/").get_data(as_text=True)
    assert "USD 25.50" in listing and "USD 100.00" in listing and bill.number in listing


def test_one_payment_over_several_invoices(firm, invoice):
    first, second = invoice(5000), invoice(7000)
    response = _record(
        firm, first.id, "90.00", **{f"part-{first.id}": "50", f"part-{second.id}": "40.00"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert (_status(first.id), _status(second.id)) == ("Paid", "Partially paid")
    [payment] = db.session.scalars(select(Payment))
    assert payment.amount_minor == 9000
    parts = sorted(db.session.scalars(select(PaymentAllocation.amount_minor)))
    assert parts == [4000, 5000]


def test_parts_that_do_not_add_up_are_refused(firm, invoice):
    first, second = invoice(5000), invoice(7000)
    response = _record(
        firm, first.id, "90.00", **{f"part-{first.id}": "50", f"part-{second.id}": "10"}
    )
    assert response.status_code == 422
    assert "must add up to the payment" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Payment.id))) == 0


def test_a_refund_is_a_negative_payment_and_reopens_the_invoice(firm, client, invoice):
    bill = invoice(10000)
    _record(firm, bill.id, "100")
    assert _status(bill.id) == "Paid"
    response = _record(firm, bill.id, "30", kind="refund", method="card")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _status(bill.id) == "Partially paid"
    amounts = sorted(db.session.scalars(select(Payment.amount_minor)))
    assert amounts == [-3000, 10000]
    assert "(refund)" in client.get("/invoices/").get_data(as_text=True)
    _record(firm, bill.id, "70", kind="refund", method="card")
    assert _status(bill.id) == "Sent"
    too_much = _record(firm, bill.id, "0.01", kind="refund", method="card")
    assert too_much.status_code == 422
    assert "refunds more than was paid" in too_much.get_data(as_text=True)


@pytest.mark.parametrize(
    ("amount", "paid_on", "message"),
    [
        ("12.345", None, "has more than 2 decimals for USD"),
        ("abc", None, "is not an amount"),
        ("0", None, "above zero"),
        ("-5", None, "above zero"),
        ("NaN", None, "is not an amount"),
        ("100.01", None, "more than invoice"),
        ("10", "2026-13-01", "is not a date"),
        ("10", "yesterday", "is not a date"),
        ("10", (date.today() + timedelta(days=10)).isoformat(), "cannot be in the future"),
        ("10", "1999-12-31", "before 2000"),
    ],
)
def test_bad_amounts_and_dates_are_refused_and_nothing_is_saved(
    firm, invoice, amount, paid_on, message
):
    bill = invoice(10000)
    extra = {"paid_on": paid_on} if paid_on else {}
    response = _record(firm, bill.id, amount, **extra)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Payment.id))) == 0
    assert _status(bill.id) == "Sent"


def test_drafts_take_no_payment(firm, invoice):
    draft = invoice(10000, send=False)
    response = _record(firm, draft.id, "10")
    assert response.status_code == 422
    assert "is draft" in response.get_data(as_text=True)


def test_invoice_pages_lead_to_recording_and_paying(firm, client, invoice):
    bill = invoice(10000)
    staff_page = firm.get(f"/admin/invoices/{bill.id}").get_data(as_text=True)
    assert f"/admin/payments/record/{bill.id}" in staff_page
    client_page = client.get(f"/invoices/{bill.id}").get_data(as_text=True)
    assert f"/payments/invoice/{bill.id}" in client_page and "Pay now" in client_page
    _record(firm, bill.id, "100")
    assert "Pay now" not in client.get(f"/invoices/{bill.id}").get_data(as_text=True)
    assert "kind=refund" in firm.get(f"/admin/invoices/{bill.id}").get_data(as_text=True)
