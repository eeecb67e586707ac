"""Invoices: create and edit drafts, send, void, and the status payments move it through.

Draft → Sent → Partially paid → Paid, or Void. A draft has no number; sending takes the next
one from the tenant's gapless counter, so a sent invoice is never deleted: a mistaken one is
voided, keeping its number. Once sent its lines and amounts are fixed; voiding is refused while
payments are on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import Select, delete, select

from portal.billing import numbering
from portal.billing.models import Invoice, InvoiceLine, InvoiceStatus, Matter
from portal.billing.money import line_amounts, normalize_currency, totals
from portal.clients.models import ClientAccount
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.webhooks.service import emit
from tenants.models import Tenant
from tenants.scoping import get_owned, owned, tenant_id_of
from tenants.snapshot import TenantSnapshot

OPEN_STATUSES = (InvoiceStatus.SENT, InvoiceStatus.PARTIALLY_PAID)
MAX_LINES = 200


@dataclass(frozen=True, slots=True)
class LineInput:
    description: str
    quantity: Decimal
    unit_price_minor: int
    discount_percent: Decimal = Decimal(0)
    tax_percent: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class InvoiceInput:
    account_id: int
    issue_date: date
    due_date: date
    lines: list[LineInput]
    matter_id: int | None = None
    notes: str = ""


def firm_currency(tenant: TenantSnapshot | int) -> str:
    """The firm's currency (Settings › Billing), else the platform's DEFAULT_CURRENCY."""
    row = db.session.get(Tenant, tenant_id_of(tenant))
    chosen = row.currency if row is not None else ""
    return chosen or normalize_currency(current_app.config["DEFAULT_CURRENCY"])


def _checked(tenant: TenantSnapshot | int, data: InvoiceInput) -> ClientAccount:
    account = get_owned(ClientAccount, tenant, data.account_id)
    if account is None:
        raise UserError("Choose the client account.", "account_id")
    if data.matter_id is not None:
        matter = get_owned(Matter, tenant, data.matter_id)
        if matter is None or matter.account_id != account.id:
            raise UserError("Choose a matter of this account.", "matter_id")
    if data.due_date < data.issue_date:
        raise UserError("The due date cannot be before the issue date.", "due_date")
    if not data.lines:
        raise UserError("Add at least one line.", "line_items")
    if len(data.lines) > MAX_LINES:
        raise UserError(f"An invoice has at most {MAX_LINES} lines.", "line_items")
    for line in data.lines:
        if not line.description.strip():
            raise UserError("Every line needs a description.", "line_items")
        if line.unit_price_minor < 0:
            raise UserError("A unit price cannot be negative; use a discount.", "line_items")
    return account


def _write_lines(tenant_id: int, invoice: Invoice, lines: list[LineInput]) -> None:
    db.session.execute(
        delete(InvoiceLine).where(
            InvoiceLine.tenant_id == tenant_id, InvoiceLine.invoice_id == invoice.id
        )
    )
    amounts = []
    for position, line in enumerate(lines):
        computed = line_amounts(
            line.quantity, line.unit_price_minor, line.discount_percent, line.tax_percent
        )
        amounts.append(computed)
        db.session.add(
            InvoiceLine(
                tenant_id=tenant_id,
                invoice_id=invoice.id,
                position=position,
                description=line.description.strip()[:500],
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
                discount_percent=line.discount_percent,
                tax_percent=line.tax_percent,
                discount_minor=computed.discount_minor,
                net_minor=computed.net_minor,
                tax_minor=computed.tax_minor,
                total_minor=computed.total_minor,
            )
        )
    summed = totals(amounts)
    invoice.subtotal_minor = summed.subtotal_minor
    invoice.discount_minor = summed.discount_minor
    invoice.tax_minor = summed.tax_minor
    invoice.total_minor = summed.total_minor


def create_invoice(
    tenant: TenantSnapshot | int, data: InvoiceInput, staff_id: int | None = None
) -> Invoice:
    """A draft (no number yet); the caller commits."""
    tenant_id = tenant_id_of(tenant)
    _checked(tenant, data)
    invoice = Invoice(
        tenant_id=tenant_id,
        account_id=data.account_id,
        matter_id=data.matter_id,
        status=InvoiceStatus.DRAFT,
        currency=firm_currency(tenant_id),
        issue_date=data.issue_date,
        due_date=data.due_date,
        notes=data.notes.strip(),
        created_by_staff_id=staff_id,
    )
    db.session.add(invoice)
    db.session.flush()
    _write_lines(tenant_id, invoice, data.lines)
    db.session.flush()
    return invoice


def update_draft(tenant: TenantSnapshot | int, invoice: Invoice, data: InvoiceInput) -> None:
    """Replace a draft's fields and lines; a sent or void invoice is refused."""
    if invoice.status != InvoiceStatus.DRAFT:
        raise UserError("Only a draft can be edited; this invoice has been sent.")
    _checked(tenant, data)
    invoice.account_id = data.account_id
    invoice.matter_id = data.matter_id
    invoice.issue_date = data.issue_date
    invoice.due_date = data.due_date
    invoice.notes = data.notes.strip()
    _write_lines(tenant_id_of(tenant), invoice, data.lines)
    db.session.flush()


def lines_of(tenant: TenantSnapshot | int, invoice: Invoice) -> list[InvoiceLine]:
    query = owned(InvoiceLine, tenant, InvoiceLine.invoice_id == invoice.id)
    return list(db.session.scalars(query.order_by(InvoiceLine.position, InvoiceLine.id)))


def assign_number(invoice: Invoice) -> None:
    """The tenant's next number, in the sending transaction (kept if already numbered)."""
    if invoice.sequence is None:
        invoice.sequence, invoice.number = numbering.take_number(invoice.tenant_id)


def mark_sent(invoice: Invoice, pdf_key: str) -> None:
    """Draft → Sent (numbered) with the stored PDF; sending again keeps the first date."""
    if invoice.status == InvoiceStatus.VOID:
        raise UserError("A void invoice cannot be sent.")
    if invoice.status == InvoiceStatus.DRAFT:
        assign_number(invoice)
        invoice.sent_at = utcnow()
        invoice.pdf_key = pdf_key
        refresh_status(invoice)


def void_invoice(invoice: Invoice, reason: str) -> None:
    """Void keeps the invoice and its number; refused while payments are applied to it."""
    if invoice.status == InvoiceStatus.VOID:
        raise UserError("This invoice is already void.")
    if invoice.paid_minor != 0:
        raise UserError("Payments are applied to this invoice: refund them before voiding it.")
    invoice.status = InvoiceStatus.VOID
    invoice.voided_at = utcnow()
    invoice.void_reason = reason.strip()[:300]


def refresh_status(invoice: Invoice) -> None:
    """The status from what was paid: Sent, Partially paid or Paid (Draft and Void stay)."""
    if invoice.status == InvoiceStatus.VOID or invoice.sent_at is None:
        return
    if invoice.paid_minor <= 0:
        invoice.status = InvoiceStatus.SENT
    elif invoice.paid_minor < invoice.total_minor:
        invoice.status = InvoiceStatus.PARTIALLY_PAID
    else:
        if invoice.status != InvoiceStatus.PAID:
            emit(invoice.tenant_id, "invoice.paid", _paid_event(invoice))
        invoice.status = InvoiceStatus.PAID


def _paid_event(invoice: Invoice) -> dict[str, object]:
    return {
        "invoice_id": invoice.id,
        "number": invoice.number,
        "account_id": invoice.account_id,
        "total_minor": invoice.total_minor,
        "currency": invoice.currency,
    }


def apply_payment_total(invoice: Invoice, paid_minor: int) -> None:
    """Payments (portal.payments) call this with the invoice's net paid amount."""
    if invoice.status == InvoiceStatus.VOID and paid_minor != 0:
        raise UserError(f"Invoice {invoice.number} is void: no payment can be applied to it.")
    if invoice.status == InvoiceStatus.DRAFT and paid_minor != 0:
        raise UserError(f"Invoice {invoice.number} is a draft: send it before recording payments.")
    invoice.paid_minor = paid_minor
    refresh_status(invoice)


def list_query(
    tenant: TenantSnapshot | int,
    *,
    status: str = "",
    account_id: int | None = None,
    overdue: bool = False,
    today: date | None = None,
) -> Select[Invoice]:
    """Invoices of the tenant, filtered; the caller orders and paginates."""
    query = owned(Invoice, tenant)
    if status:
        query = query.where(Invoice.status == status)
    if account_id is not None:
        query = query.where(Invoice.account_id == account_id)
    if overdue:
        query = query.where(
            Invoice.status.in_(OPEN_STATUSES), Invoice.due_date < (today or date.today())
        )
    return query


def client_query(tenant: TenantSnapshot | int, account_id: int) -> Select[Invoice]:
    """What the client sees: the account's invoices once sent (drafts stay with the firm)."""
    return owned(
        Invoice,
        tenant,
        Invoice.account_id == account_id,
        Invoice.status != InvoiceStatus.DRAFT,
    )


def outstanding_minor(tenant: TenantSnapshot | int, account_id: int) -> dict[str, int]:
    """Per currency: what the account still owes on its sent invoices."""
    rows = db.session.execute(
        select(Invoice.currency, Invoice.total_minor - Invoice.paid_minor).where(
            Invoice.tenant_id == tenant_id_of(tenant),
            Invoice.account_id == account_id,
            Invoice.status.in_(OPEN_STATUSES),
        )
    )
    owed: dict[str, int] = {}
    for currency, amount in rows:
        owed[currency] = owed.get(currency, 0) + max(int(amount), 0)
    return owed
