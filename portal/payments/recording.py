"""Recording payments and refunds against invoices, and the invoice statuses they move.

A payment belongs to one account and is split over one or several of its invoices; the parts
add up to the payment exactly. A refund is a negative payment taken back from invoices that
were paid. After every change the invoice's paid total is summed from the allocations and
handed to billing, which sets Sent / Partially paid / Paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from portal.billing import history, invoices
from portal.billing.models import Invoice, InvoiceStatus
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.payments.models import (
    METHOD_LABELS,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    ProviderName,
)
from tenants.scoping import get_owned, tenant_id_of
from tenants.snapshot import TenantSnapshot

EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class Allocation:
    invoice_id: int
    amount_minor: int


def parse_paid_on(raw: str, today: date | None = None) -> date:
    """A date the payment was made: ISO (YYYY-MM-DD), not in the future, not before 2000."""
    today = today or date.today()
    try:
        value = date.fromisoformat((raw or "").strip())
    except ValueError:
        raise UserError(f"{raw!r} is not a date (use YYYY-MM-DD).", "paid_on") from None
    if value > today + timedelta(days=1):
        raise UserError("A payment date cannot be in the future.", "paid_on")
    if value < EARLIEST:
        raise UserError("A payment date before 2000 is not accepted.", "paid_on")
    return value


def _method(raw: str) -> str:
    try:
        return PaymentMethod(raw).value
    except ValueError:
        choices = ", ".join(METHOD_LABELS.values())
        raise UserError(f"Choose a payment method ({choices}).", "method") from None


def paid_total(tenant_id: int, invoice_id: int) -> int:
    """What the allocations put on an invoice, net of refunds."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(PaymentAllocation.amount_minor), 0)).where(
            PaymentAllocation.tenant_id == tenant_id, PaymentAllocation.invoice_id == invoice_id
        )
    )
    return int(total or 0)


def _checked_invoices(
    tenant_id: int, account_id: int, amount_minor: int, allocations: list[Allocation],
    *, allow_over: bool,
) -> list[tuple[Invoice, int]]:  # fmt: skip
    if amount_minor == 0:
        raise UserError("The amount cannot be zero.", "amount")
    if not allocations:
        raise UserError("Apply the payment to at least one invoice.", "invoices")
    if sum(part.amount_minor for part in allocations) != amount_minor:
        raise UserError("The amounts applied to invoices must add up to the payment.", "amount")
    checked: list[tuple[Invoice, int]] = []
    seen: set[int] = set()
    for part in allocations:
        invoice = get_owned(Invoice, tenant_id, part.invoice_id)
        if invoice is None or invoice.account_id != account_id or part.invoice_id in seen:
            raise UserError("Choose invoices of this account, each once.", "invoices")
        seen.add(part.invoice_id)
        if invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.VOID):
            raise UserError(
                f"Invoice {invoice.number} is {invoice.status_label.lower()}.", "invoices"
            )
        if (part.amount_minor > 0) != (amount_minor > 0) or part.amount_minor == 0:
            raise UserError(
                "A payment's parts are all positive, a refund's all negative.", "amount"
            )
        paid = paid_total(tenant_id, invoice.id)
        if (
            part.amount_minor > 0
            and not allow_over
            and paid + part.amount_minor > invoice.total_minor
        ):
            raise UserError(f"That is more than invoice {invoice.number} still owes.", "amount")
        if part.amount_minor < 0 and paid + part.amount_minor < 0:
            raise UserError(
                f"That refunds more than was paid on invoice {invoice.number}.", "amount"
            )
        checked.append((invoice, part.amount_minor))
    currencies = {invoice.currency for invoice, _ in checked}
    if len(currencies) != 1:
        raise UserError("All invoices of one payment must be in the same currency.", "invoices")
    return checked


def record_payment(
    tenant: TenantSnapshot | int,
    account_id: int,
    *,
    amount_minor: int,
    paid_on: date,
    method: str,
    allocations: list[Allocation],
    reference: str = "",
    provider: str = ProviderName.MANUAL,
    provider_ref: str | None = None,
    staff_id: int | None = None,
    allow_over: bool = False,
) -> Payment:
    """A payment (or, negative, a refund) applied to invoices; the caller commits.

    Nothing is written when any part is refused (a UserError names the field)."""
    tenant_id = tenant_id_of(tenant)
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool):
        raise TypeError("amounts are integers in minor units")
    checked = _checked_invoices(
        tenant_id, account_id, amount_minor, allocations, allow_over=allow_over
    )
    payment = Payment(
        tenant_id=tenant_id,
        account_id=account_id,
        amount_minor=amount_minor,
        currency=checked[0][0].currency,
        paid_on=paid_on,
        method=_method(method),
        reference=reference.strip()[:200],
        provider=provider,
        provider_ref=provider_ref,
        recorded_by_staff_id=staff_id,
    )
    db.session.add(payment)
    db.session.flush()
    for invoice, part in checked:
        db.session.add(
            PaymentAllocation(
                tenant_id=tenant_id, payment_id=payment.id, invoice_id=invoice.id, amount_minor=part
            )
        )
    db.session.flush()
    for invoice, _ in checked:
        invoices.apply_payment_total(invoice, paid_total(tenant_id, invoice.id))
    return payment


def _history(
    tenant: TenantSnapshot, account_id: int, limit: int, offset: int
) -> list[history.PaymentRow]:
    """The account's newest payments with the numbers of the invoices they paid (two queries)."""
    payments = list(
        db.session.scalars(
            select(Payment)
            .where(Payment.tenant_id == tenant.id, Payment.account_id == account_id)
            .order_by(Payment.paid_on.desc(), Payment.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )
    numbers = invoice_numbers(tenant.id, [payment.id for payment in payments])
    return [
        history.PaymentRow(
            paid_on=payment.paid_on,
            amount_minor=payment.amount_minor,
            currency=payment.currency,
            method=payment.method_label,
            reference=payment.reference,
            invoice_numbers=tuple(numbers.get(payment.id, ())),
        )
        for payment in payments
    ]


def invoice_numbers(tenant_id: int, payment_ids: list[int]) -> dict[int, list[str]]:
    """payment id → the numbers of the invoices it was applied to, in one query."""
    if not payment_ids:
        return {}
    rows = db.session.execute(
        select(PaymentAllocation.payment_id, Invoice.number)
        .join(
            Invoice,
            (Invoice.tenant_id == PaymentAllocation.tenant_id)
            & (Invoice.id == PaymentAllocation.invoice_id),
        )
        .where(
            PaymentAllocation.tenant_id == tenant_id, PaymentAllocation.payment_id.in_(payment_ids)
        )
        .order_by(Invoice.sequence)
    )
    found: dict[int, list[str]] = {}
    for payment_id, number in rows:
        found.setdefault(payment_id, []).append(number)
    return found


history.set_history_source(_history)
