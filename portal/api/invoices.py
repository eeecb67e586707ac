"""Invoices (`portal.billing`) and payments (`portal.payments`): list and read invoices,
create a draft, send it (number and PDF, as the Send button) and record a payment, which
marks it paid when covered (the `invoice.paid` webhook)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import request

from portal.api import firm_schemas as schemas
from portal.api.auth import parse_body
from portal.api.errors import ApiError
from portal.api.messaging import ID_QUERY, account_filter
from portal.api.routing import operation, page_of, tenant
from portal.billing import invoices, sending
from portal.billing.models import Invoice, InvoiceStatus
from portal.core.extensions import db
from portal.payments.recording import Allocation, record_payment
from tenants.scoping import get_owned

STATUSES = [status.value for status in InvoiceStatus]


def invoice_json(invoice: Invoice, *, lines: bool = False) -> dict[str, Any]:
    return schemas.Invoice(
        id=invoice.id,
        account_id=invoice.account_id,
        number=invoice.number,
        status=invoice.status,
        currency=invoice.currency,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        notes=invoice.notes,
        subtotal_minor=invoice.subtotal_minor,
        discount_minor=invoice.discount_minor,
        tax_minor=invoice.tax_minor,
        total_minor=invoice.total_minor,
        paid_minor=invoice.paid_minor,
        sent_at=invoice.sent_at,
        lines=[
            schemas.InvoiceLine(
                description=line.description,
                quantity=str(line.quantity.normalize()),
                unit_price_minor=line.unit_price_minor,
                discount_percent=str(line.discount_percent.normalize()),
                tax_percent=str(line.tax_percent.normalize()),
                total_minor=line.total_minor,
            )
            for line in invoices.lines_of(tenant(), invoice)
        ]
        if lines
        else None,
    ).model_dump(mode="json")


def _invoice(invoice_id: int) -> Invoice:
    invoice = get_owned(Invoice, tenant(), invoice_id)
    if invoice is None:
        raise ApiError(404, "No such invoice.")
    return invoice


@operation(
    "get",
    "/invoices",
    "List invoices (filter by status or client account)",
    schemas.InvoiceList,
    paged=True,
    tag="invoices",
    query={"status": {"type": "string", "enum": STATUSES}, "account_id": ID_QUERY},
)
def list_invoices() -> Any:
    status = request.args.get("status", "")
    if status and status not in STATUSES:
        raise ApiError(422, "Unknown status.", {"status": " | ".join(STATUSES)})
    query = invoices.list_query(tenant(), status=status, account_id=account_filter())
    rows, cursor = page_of(query, Invoice.id)
    return {"data": [invoice_json(i) for i in rows], "next_cursor": cursor}


@operation(
    "get",
    "/invoices/<int:invoice_id>",
    "One invoice with its lines",
    schemas.Invoice,
    tag="invoices",
)
def get_invoice(invoice_id: int) -> Any:
    return invoice_json(_invoice(invoice_id), lines=True)


@operation(
    "post",
    "/invoices",
    "Create a draft invoice (amounts in minor units, e.g. cents)",
    schemas.Invoice,
    body=schemas.InvoiceCreate,
    status=201,
    tag="invoices",
)
def create_invoice() -> Any:
    data = parse_body(schemas.InvoiceCreate)
    invoice = invoices.create_invoice(
        tenant(),
        invoices.InvoiceInput(
            account_id=data.account_id,
            issue_date=data.issue_date,
            due_date=data.due_date,
            notes=data.notes,
            lines=[
                invoices.LineInput(
                    description=line.description,
                    quantity=Decimal(line.quantity),
                    unit_price_minor=line.unit_price_minor,
                    discount_percent=Decimal(line.discount_percent),
                    tax_percent=Decimal(line.tax_percent),
                )
                for line in data.lines
            ],
        ),
    )
    db.session.commit()
    return invoice_json(invoice, lines=True), 201


@operation(
    "post",
    "/invoices/<int:invoice_id>/send",
    "Send a draft: it gets its number and PDF and the client sees it",
    schemas.Invoice,
    tag="invoices",
)
def send_invoice(invoice_id: int) -> Any:
    invoice = _invoice(invoice_id)
    sending.send_invoice(tenant(), invoice)
    db.session.commit()
    return invoice_json(invoice, lines=True)


@operation(
    "post",
    "/invoices/<int:invoice_id>/payments",
    "Record a payment on a sent invoice (paid in full: status paid)",
    schemas.Invoice,
    body=schemas.PaymentCreate,
    status=201,
    tag="invoices",
)
def pay_invoice(invoice_id: int) -> Any:
    invoice = _invoice(invoice_id)
    data = parse_body(schemas.PaymentCreate)
    record_payment(
        tenant(),
        invoice.account_id,
        amount_minor=data.amount_minor,
        paid_on=data.paid_on,
        method=data.method,
        reference=data.reference,
        allocations=[Allocation(invoice.id, data.amount_minor)],
    )
    db.session.commit()
    return invoice_json(invoice, lines=True), 201
