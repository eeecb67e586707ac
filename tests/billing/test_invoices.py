"""Invoice life: numbers, totals stored, Draft → Sent → Partially paid → Paid or Void, edits
refused once sent, never deleted; the PDF opens and shows the number and the total."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from portal.billing import invoices, sending
from portal.billing.models import Invoice, InvoiceStatus
from portal.billing.pdf import render_pdf
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.storage import storage
from tests.billing.conftest import line


def test_numbers_follow_each_other_per_tenant(
    make_invoice: Callable[..., Invoice], make_tenant: Any, make_account: Any, tenant: Any,
    account: Any,
) -> None:  # fmt: skip
    draft = make_invoice(tenant, account)
    first = make_invoice(tenant, account, send=True)
    second = make_invoice(tenant, account, send=True)
    other_tenant = make_tenant()
    other = make_invoice(other_tenant, make_account(other_tenant), send=True)
    assert (draft.number, draft.sequence) == ("", None)  # drafts use up no number
    assert (first.number, second.number) == ("INV-0001", "INV-0002")
    assert other.number == "INV-0001"
    sending.send_invoice(tenant.id, draft)
    db.session.commit()
    assert draft.number == "INV-0003"


def test_totals_are_stored_in_minor_units(
    make_invoice: Callable[..., Invoice], tenant: Any, account: Any
) -> None:
    invoice = make_invoice(
        tenant,
        account,
        line("Bookkeeping", "3", 3333, discount="10", tax="19"),
        line("Filing fee", "1", 5000),
    )
    assert invoice.currency == "USD"  # the platform's DEFAULT_CURRENCY
    assert invoice.subtotal_minor == 9999 + 5000
    assert invoice.discount_minor == 1000
    assert invoice.tax_minor == 1710
    assert invoice.total_minor == 8999 + 1710 + 5000


def test_status_moves_with_payments_and_void(
    make_invoice: Callable[..., Invoice], tenant: Any, account: Any
) -> None:
    invoice = make_invoice(tenant, account, line(price=10000))
    assert invoice.status == InvoiceStatus.DRAFT
    with pytest.raises(UserError, match="draft"):
        invoices.apply_payment_total(invoice, 100)
    sending.send_invoice(tenant.id, invoice)
    assert invoice.status == InvoiceStatus.SENT and invoice.sent_at is not None
    invoices.apply_payment_total(invoice, 4000)
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID
    assert invoice.outstanding_minor == 6000
    with pytest.raises(UserError, match="refund them"):
        invoices.void_invoice(invoice, "mistake")
    invoices.apply_payment_total(invoice, 10000)
    assert invoice.status == InvoiceStatus.PAID and invoice.outstanding_minor == 0
    invoices.apply_payment_total(invoice, 0)  # refunded in full
    assert invoice.status == InvoiceStatus.SENT
    invoices.void_invoice(invoice, "billed twice")
    assert invoice.status == InvoiceStatus.VOID and invoice.outstanding_minor == 0
    with pytest.raises(UserError):
        invoices.apply_payment_total(invoice, 100)
    with pytest.raises(UserError):
        sending.send_invoice(tenant.id, invoice)
    db.session.commit()
    assert db.session.get(Invoice, invoice.id) is not None  # voided, kept


def test_edits_refused_after_send_and_no_delete_route(
    make_invoice: Callable[..., Invoice], tenant: Any, account: Any, firm: Any
) -> None:
    invoice = make_invoice(tenant, account, send=True)
    data = invoices.InvoiceInput(
        account_id=account.id, issue_date=date.today(), due_date=date.today(), lines=[line()]
    )
    with pytest.raises(UserError, match="Only a draft"):
        invoices.update_draft(tenant.id, invoice, data)
    response = firm.get(f"/admin/invoices/{invoice.id}/edit")
    assert response.status_code == 302
    assert firm.post(f"/admin/invoices/{invoice.id}/delete").status_code in (404, 405)
    assert firm.delete(f"/admin/invoices/{invoice.id}").status_code == 405


def test_bad_dates_and_lines_refused(tenant: Any, account: Any) -> None:
    today = date.today()
    bad = [
        (invoices.InvoiceInput(account.id, today, today.replace(year=today.year - 1), [line()]),
         "due date"),
        (invoices.InvoiceInput(account.id, today, today, []), "at least one line"),
        (invoices.InvoiceInput(account.id, today, today, [line(description=" ")]), "description"),
        (invoices.InvoiceInput(account.id + 999, today, today, [line()]), "account"),
    ]  # fmt: skip
    for data, message in bad:
        with pytest.raises(UserError, match=message):
            invoices.create_invoice(tenant.id, data)
        db.session.rollback()
    assert db.session.scalar(select(Invoice.id)) is None


def test_pdf_opens_with_number_and_total(
    make_invoice: Callable[..., Invoice], tenant: Any, account: Any
) -> None:
    tenant.firm_address = "1 Main Street\nSpringfield"
    db.session.commit()
    invoice = make_invoice(tenant, account, line("Advice", "2", 12345, tax="10"), send=True)
    stored = storage().get(invoice.pdf_key)
    assert stored is not None and stored.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(stored)).pages)
    assert invoice.number in text
    assert "USD 271.59" in text  # 246.90 + 24.69 tax
    assert "Acme Accounting" in text and "Springfield" in text and "Birch Household" in text
    # deterministic: drawn again, the same bytes
    assert sending.fresh_pdf(tenant.id, invoice) == stored


def test_pdf_survives_characters_outside_latin1(
    make_invoice: Callable[..., Invoice], tenant: Any, account: Any
) -> None:
    invoice = make_invoice(tenant, account, line("Beratung ✓ 税"))
    data = render_pdf(
        invoice, invoices.lines_of(tenant.id, invoice), firm_name="Ünïcode ★ LLP",
        firm_address="", brand_color="not a colour", logo_key="", account_name="x",
        account_address="",
    )  # fmt: skip
    assert "Beratung" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_concurrent_sending_gives_unique_gapless_numbers(
    app: Flask, tenant: Any, account: Any, db_backend: str
) -> None:
    if db_backend != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serializes writers anyway")
    tenant_id, account_id = tenant.id, account.id
    db.session.remove()
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def create(count: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                for _ in range(count):
                    draft = invoices.create_invoice(
                        tenant_id,
                        invoices.InvoiceInput(account_id, date.today(), date.today(), [line()]),
                    )
                    db.session.commit()
                    sending.send_invoice(tenant_id, draft)
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(5,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    sequences = sorted(db.session.scalars(select(Invoice.sequence)))
    assert sequences == list(range(1, 41))


def test_failed_sending_leaves_no_gap(
    make_invoice: Callable[..., Invoice], tenant: Any, account: Any
) -> None:
    make_invoice(tenant, account, send=True)
    draft = make_invoice(tenant, account)
    sending.send_invoice(tenant.id, draft)
    assert draft.number == "INV-0002"
    db.session.rollback()  # the request failed after taking a number
    assert make_invoice(tenant, account, send=True).number == "INV-0002"


def test_sending_rolled_back_leaves_a_draft_and_no_pdf(
    make_invoice: Callable[..., Invoice], tenant: Any, account: Any
) -> None:
    invoice = make_invoice(tenant, account)
    sending.send_invoice(tenant.id, invoice)
    key = invoice.pdf_key
    assert storage().get(key) is not None
    db.session.rollback()  # e.g. the invoice email could not be queued
    assert storage().get(key) is None
    assert db.session.get(Invoice, invoice.id).status == InvoiceStatus.DRAFT
