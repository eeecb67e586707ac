"""Emailing an invoice (seed 002): To, CC and BCC, the PDF attached, a "View and pay" link,
and optionally the To recipients invited to the portal.

Every recipient gets their own copy through the outbox (shown To and Cc headers alike, the
envelope only them): so each copy carries that person's own links, and a BCC address appears
in no header. Only To recipients are ever invited; CC and BCC never are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from portal.billing import sending
from portal.billing.addresses import parse_addresses
from portal.billing.models import Invoice, Matter
from portal.billing.money import format_minor
from portal.billing.pdf import pdf_key
from portal.clients.directory import add_contact_with_notice
from portal.clients.invitations import (
    SendLimitReached,
    invitation_link,
    prepare_invitation,
    send_invitation,
    send_limit_reached,
)
from portal.clients.models import ClientAccount, Contact
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.storage import storage, stored_for_transaction
from portal.mail.attachments import Attachment, attach
from portal.mail.compose import queue_email
from tenants.context import tenant_url
from tenants.models import Tenant
from tenants.scoping import get_owned
from tenants.snapshot import TenantSnapshot

INVOICE_KIND = "invoice"
MAX_RECIPIENTS = 50  # all three fields together: one invoice, not a mailing list


@dataclass(frozen=True, slots=True)
class Recipients:
    to: list[str]
    cc: list[str]
    bcc: list[str]

    def everyone(self) -> list[str]:
        """Each address once, in field order (an address in To is not sent a CC copy)."""
        seen: list[str] = []
        for address in (*self.to, *self.cc, *self.bcc):
            if address not in seen:
                seen.append(address)
        return seen


@dataclass
class Outcome:
    sent_to: list[str] = field(default_factory=list)
    invited: list[str] = field(default_factory=list)
    already_active: list[str] = field(default_factory=list)


def default_to(tenant: TenantSnapshot, invoice: Invoice) -> str:
    """The matter's email when the invoice has a matter with one, else the account's."""
    matter = get_owned(Matter, tenant, invoice.matter_id) if invoice.matter_id else None
    if matter is not None and matter.email.strip():
        return matter.email
    account = get_owned(ClientAccount, tenant, invoice.account_id)
    return account.billing_email if account is not None else ""


def parse_recipients(to: str, cc: str, bcc: str) -> Recipients:
    """Each field a semicolon list; the first bad entry is named on its own field."""
    recipients = Recipients(
        parse_addresses(to, "to"), parse_addresses(cc, "cc"), parse_addresses(bcc, "bcc")
    )
    if not recipients.to:
        raise UserError("Enter at least one address in To.", "to")
    if len(recipients.everyone()) > MAX_RECIPIENTS:
        raise UserError(f"At most {MAX_RECIPIENTS} recipients in all.", "to")
    return recipients


def portal_invoice_link(tenant: TenantSnapshot, invoice: Invoice) -> str:
    """The invoice's page in the portal (sign-in needed), on the firm's canonical host."""
    return tenant_url(tenant.canonical_host, "invoices.show", invoice_id=invoice.id)


def email_context(
    tenant: TenantSnapshot, invoice: Invoice, *, view_link: str, invitation: str | None = None
) -> dict[str, object]:
    """What the invoice email shows (also the staff preview)."""
    account = get_owned(ClientAccount, tenant, invoice.account_id)
    return {
        "invoice": invoice,
        "account_name": account.name if account is not None else "",
        "total": format_minor(invoice.total_minor, invoice.currency),
        "due_date": invoice.due_date.isoformat(),
        "view_link": view_link,
        "invitation_link": invitation,
        "expiry_days": tenant.invite_expiry_days,
    }


def send_invoice_email(
    tenant: TenantSnapshot,
    invoice: Invoice,
    recipients: Recipients,
    *,
    invite: bool,
    view_link: Callable[[str], str | None],
    invited_by: str,
    staff_id: int | None = None,
) -> Outcome:
    """Mark the invoice Sent (its PDF stored), invite the To recipients if asked, and queue
    one copy per recipient with the PDF attached; the caller commits (or rolls back on
    UserError: then nothing is sent and nobody invited).

    `view_link(email)` gives that recipient's no-login "View and pay" link, or None when the
    firm does not allow it (then the copy links to the portal's invoice page)."""
    account = get_owned(ClientAccount, tenant, invoice.account_id)
    firm = db.session.get(Tenant, tenant.id)
    if account is None or firm is None:
        raise UserError("This invoice's account no longer exists.")
    if account.archived_at is not None and invite:
        raise UserError("The account is archived: its contacts cannot be invited.", "invite")
    pdf = sending.send_invoice(tenant, invoice)
    key = _stored_pdf(invoice, pdf)
    outcome = Outcome()
    inside: dict[str, str] = {}  # address → invitation link carried by the invoice email
    if invite:
        inside = _invite(tenant, account, recipients.to, firm, invited_by, staff_id, outcome)
    fallback = portal_invoice_link(tenant, invoice)
    for address in recipients.everyone():
        context = email_context(
            tenant,
            invoice,
            view_link=view_link(address) or fallback,
            invitation=inside.get(address),
        )
        message = queue_email(tenant, address, INVOICE_KIND, **context)
        message.to_header = ", ".join(recipients.to)
        message.cc_header = ", ".join(recipients.cc)
        attach(message, Attachment(key, f"{invoice.number}.pdf", "application/pdf"))
        outcome.sent_to.append(address)
    return outcome


def _stored_pdf(invoice: Invoice, pdf: bytes) -> str:
    """The key of the sent PDF: the invoice's stored copy, or the bytes stored now."""
    if invoice.pdf_key and storage().get(invoice.pdf_key) is not None:
        return invoice.pdf_key
    key = pdf_key(invoice)
    storage().put(key, pdf)
    stored_for_transaction(key)
    return key


def _invite(
    tenant: TenantSnapshot,
    account: ClientAccount,
    addresses: list[str],
    firm: Tenant,
    invited_by: str,
    staff_id: int | None,
    outcome: Outcome,
) -> dict[str, str]:
    """Contact linked with login on; already-active people get no invitation (an active
    person gaining this account is told so by `add_contact_with_notice`)."""
    inside: dict[str, str] = {}
    for address in addresses:
        contact, _ = add_contact_with_notice(tenant, account, address, login=True)
        if contact.activated_at is not None:
            outcome.already_active.append(address)
            continue
        if firm.invoice_invite_separately:
            send_invitation(tenant, contact, invited_by=invited_by, staff_id=staff_id)
        else:
            inside[address] = _invitation_inside(tenant, contact, invited_by, staff_id)
        outcome.invited.append(address)
    return inside


def _invitation_inside(
    tenant: TenantSnapshot, contact: Contact, invited_by: str, staff_id: int | None
) -> str:
    """The invitation's bookkeeping as `send_invitation` keeps it, its link in our email."""
    wording = send_limit_reached(tenant.id, contact.email)
    if wording is not None:
        raise SendLimitReached(contact.email, wording)
    invitation = prepare_invitation(tenant, contact)
    now = utcnow()
    invitation.invited_by = invited_by
    invitation.invited_by_staff_id = staff_id
    invitation.first_sent_at = invitation.first_sent_at or now
    invitation.last_sent_at = now
    invitation.send_count = (invitation.send_count or 0) + 1
    return invitation_link(tenant, invitation)
