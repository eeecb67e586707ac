"""Billing rows for the cross-tenant probe: a matter and a sent invoice named after `marker`."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from portal.billing import invoices, matters, sending
from portal.clients.models import ClientAccount
from portal.core.extensions import db


def billing_objects(tenant_id: int, account_id: int, marker: str) -> dict[str, Any]:
    """{matter_id, invoice_id} of the account (the invoice sent, so its client may see it)."""
    account = db.session.get(ClientAccount, account_id)
    assert account is not None
    matter = matters.save_matter(tenant_id, account, name=f"{marker} matter", number="M-1")
    invoice = invoices.create_invoice(
        tenant_id,
        invoices.InvoiceInput(
            account_id=account_id,
            matter_id=matter.id,
            issue_date=date.today(),
            due_date=date.today() + timedelta(days=7),
            notes=f"{marker} notes",
            lines=[invoices.LineInput(f"{marker} advice", Decimal(1), 12300)],
        ),
    )
    sending.send_invoice(tenant_id, invoice)
    return {"matter_id": matter.id, "invoice_id": invoice.id}
