"""Issuing an invoice: its PDF from the firm's current details, stored when the invoice is sent."""

from __future__ import annotations

from portal.billing import invoices
from portal.billing.models import Invoice, InvoiceStatus, Matter
from portal.billing.pdf import pdf_key, render_pdf
from portal.clients.models import ClientAccount
from portal.core.extensions import db
from portal.core.storage import storage, stored_for_transaction
from tenants.models import Tenant
from tenants.scoping import get_owned, tenant_id_of
from tenants.snapshot import TenantSnapshot


def fresh_pdf(tenant: TenantSnapshot | int, invoice: Invoice) -> bytes:
    """The PDF drawn now from the invoice, its account and matter, and the firm's branding."""
    firm = db.session.get(Tenant, tenant_id_of(tenant))
    account = get_owned(ClientAccount, tenant, invoice.account_id)
    matter = get_owned(Matter, tenant, invoice.matter_id)
    assert firm is not None and account is not None
    matter_label = ""
    if matter is not None:
        matter_label = f"{matter.number} {matter.name}".strip()
    return render_pdf(
        invoice,
        invoices.lines_of(tenant, invoice),
        firm_name=firm.portal_name or firm.name,
        firm_address=firm.firm_address,
        brand_color=firm.brand_color,
        logo_key=firm.logo_key,
        account_name=account.name,
        account_address=account.address,
        matter_label=matter_label,
    )


def invoice_pdf(tenant: TenantSnapshot | int, invoice: Invoice) -> bytes:
    """What was sent (the stored copy), or for a draft the PDF as it would be sent now."""
    if invoice.pdf_key:
        stored = storage().get(invoice.pdf_key)
        if stored is not None:
            return stored
    return fresh_pdf(tenant, invoice)


def send_invoice(tenant: TenantSnapshot | int, invoice: Invoice) -> bytes:
    """Draft → Sent: the number is taken and the PDF drawn and stored in the caller's
    transaction; if anything fails the caller rolls back and nothing is used up.

    Returns the PDF (the invoice email attaches it). Sending a sent invoice again returns
    its stored copy."""
    if invoice.status == InvoiceStatus.VOID:
        invoices.mark_sent(invoice, "")  # raises the user's message
    if invoice.status != InvoiceStatus.DRAFT:
        return invoice_pdf(tenant, invoice)
    invoices.assign_number(invoice)
    data = fresh_pdf(tenant, invoice)
    key = pdf_key(invoice)
    storage().put(key, data)
    stored_for_transaction(key)  # deleted again if the sending transaction rolls back
    invoices.mark_sent(invoice, key)
    db.session.flush()
    return data
