"""Demo data: two invoices for the demo client, one sent and waiting, one paid, so
`foyer demo` shows billing in use. Lives here, not in billing, because paying an invoice
needs the payments package (which builds on billing). Sends no email."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from portal.billing import sending
from portal.billing.invoices import InvoiceInput, LineInput, create_invoice
from portal.billing.models import Invoice
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.payments.models import PaymentMethod
from portal.payments.recording import Allocation, record_payment
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot


def seed_invoices(tenant: TenantSnapshot, account_id: int, staff_id: int) -> None:
    """Once per demo firm (nothing is added when it already has invoices). The caller commits."""
    if db.session.scalar(owned(Invoice, tenant).limit(1)) is not None:
        return
    today = utcnow().date()
    paid, waiting = (
        create_invoice(
            tenant,
            InvoiceInput(
                account_id=account_id,
                issue_date=today - timedelta(days=days),
                due_date=today - timedelta(days=days) + timedelta(days=30),
                lines=[LineInput(description, Decimal(1), price) for description, price in lines],
            ),
            staff_id,
        )
        for days, lines in (
            (45, [("2024 tax return preparation", 65000)]),
            (3, [("Quarterly bookkeeping, Q3", 42000), ("Payroll setup", 15000)]),
        )
    )
    for invoice in (paid, waiting):
        sending.send_invoice(tenant, invoice)
    record_payment(
        tenant,
        account_id,
        amount_minor=paid.total_minor,
        paid_on=today - timedelta(days=30),
        method=PaymentMethod.BANK_TRANSFER,
        allocations=[Allocation(paid.id, paid.total_minor)],
        reference="Transfer from Jones Household",
        staff_id=staff_id,
    )
