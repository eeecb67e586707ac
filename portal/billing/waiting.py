"""The client's "Waiting for you": invoices of the account that still need paying."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import Row, Select, case, func, select

from portal.billing.invoices import OPEN_STATUSES
from portal.billing.models import Invoice
from portal.billing.money import format_local
from portal.core.waiting import ACCOUNT, TENANT, WaitingItem, run_parts, shaped
from tenants.snapshot import TenantSnapshot

MOST = 20  # the home page shows a few; the Invoices page has them all


def items_for_client(tenant: TenantSnapshot, account_id: int, contact_id: int) -> list[WaitingItem]:
    """One item per unpaid sent invoice of the account (any of its contacts may pay)."""
    rows = run_parts({"invoice": waiting_part()}, tenant.id, account_id)
    return waiting_items(rows["invoice"])


@functools.cache
def waiting_part() -> Select[Any]:
    """The open invoices, first due first, as rows of the shared "waiting" shape."""
    outstanding = Invoice.total_minor - Invoice.paid_minor
    return (
        select(
            *shaped(
                "invoice",
                id=Invoice.id,
                title=Invoice.number,
                state=Invoice.currency,
                since=func.coalesce(Invoice.sent_at, Invoice.created_at),
                due=Invoice.due_date,
                number=case((outstanding > 0, outstanding), else_=0),  # Invoice.outstanding_minor
            )
        )
        .where(
            Invoice.tenant_id == TENANT,
            Invoice.account_id == ACCOUNT,
            Invoice.status.in_(OPEN_STATUSES),
        )
        .order_by(Invoice.due_date, Invoice.id)
        .limit(MOST)
    )


def waiting_items(rows: Sequence[Row[Any]]) -> list[WaitingItem]:
    return [
        WaitingItem(
            kind="invoice",
            title=_("Invoice %(number)s", number=row.title),
            detail=_("%(amount)s due", amount=format_local(row.number, row.state)),
            url=url_for("invoices.show", invoice_id=row.id),
            action=_("View invoice"),
            since=row.since,
            due=datetime.combine(row.due, time()),
        )
        for row in sorted(rows, key=lambda row: (row.due or date.min, row.id))
    ]
