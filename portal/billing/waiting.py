"""The client's "Waiting for you": invoices of the account that still need paying."""

from __future__ import annotations

from datetime import datetime, time

from flask import url_for
from flask_babel import gettext as _

from portal.billing.invoices import OPEN_STATUSES
from portal.billing.models import Invoice
from portal.billing.money import format_local
from portal.core.extensions import db
from portal.core.waiting import WaitingItem
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

MOST = 20  # the home page shows a few; the Invoices page has them all


def items_for_client(tenant: TenantSnapshot, account_id: int, contact_id: int) -> list[WaitingItem]:
    """One item per unpaid sent invoice of the account (any of its contacts may pay)."""
    query = owned(
        Invoice, tenant, Invoice.account_id == account_id, Invoice.status.in_(OPEN_STATUSES)
    )
    rows = db.session.scalars(query.order_by(Invoice.due_date, Invoice.id).limit(MOST))
    return [
        WaitingItem(
            kind="invoice",
            title=_("Invoice %(number)s", number=invoice.number),
            detail=_(
                "%(amount)s due",
                amount=format_local(invoice.outstanding_minor, invoice.currency),
            ),
            url=url_for("invoices.show", invoice_id=invoice.id),
            action=_("View invoice"),
            since=invoice.sent_at or invoice.created_at,
            due=datetime.combine(invoice.due_date, time()),
        )
        for invoice in rows
    ]
