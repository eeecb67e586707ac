""" "View and pay" links: one invoice, one email address, an expiry, revocable, no sign-in.

The same mechanism as the document links (portal.documents.links): 256 random bits in the URL,
only their SHA-256 stored; GET shows, only a POST acts. A link works only while the firm allows
paying without signing in and no-login links, and while the invoice is still open or paid
(a void invoice's links die). Every failure resolves to None, so nobody learns why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update

from portal.auth.tokens import hash_token, new_token
from portal.billing.models import Invoice, InvoiceStatus
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.payments.models import PayLink, PaymentSettings
from tenants.context import tenant_url
from tenants.scoping import get_owned, owned
from tenants.snapshot import TenantSnapshot

PAY_LINK_DAYS = 30  # about one payment term; Clio's payment-method links live 29 days
MAX_TOKEN_LENGTH = 100


@dataclass(frozen=True, slots=True)
class ResolvedPayLink:
    link: PayLink
    invoice: Invoice


def enabled(tenant: TenantSnapshot) -> bool:
    settings = db.session.get(PaymentSettings, tenant.id)
    allowed = settings.pay_without_sign_in if settings is not None else True
    return bool(tenant.action_links_enabled and allowed)


def issue_pay_link(tenant: TenantSnapshot, invoice: Invoice, email: str) -> str | None:
    """An absolute "View and pay" URL on the firm's canonical host for `email` (the invoice
    email's To address), or None when the firm has paying without signing in switched off.
    The caller commits (with the email that carries it)."""
    if not enabled(tenant) or invoice.tenant_id != tenant.id:
        return None
    raw, digest = new_token()
    db.session.add(
        PayLink(
            tenant_id=tenant.id,
            invoice_id=invoice.id,
            email=email.strip().lower()[:320],
            token_hash=digest,
            expires_at=utcnow() + timedelta(days=PAY_LINK_DAYS),
        )
    )
    return tenant_url(tenant.canonical_host, "payments.link", token=raw)


def resolve_pay_link(tenant: TenantSnapshot, token: str) -> ResolvedPayLink | None:
    if not enabled(tenant) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    link = db.session.scalar(owned(PayLink, tenant, PayLink.token_hash == hash_token(token)))
    if link is None or link.revoked_at is not None or link.expires_at <= utcnow():
        return None
    invoice = get_owned(Invoice, tenant, link.invoice_id)
    if invoice is None or invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.VOID):
        return None
    return ResolvedPayLink(link, invoice)


def revoke_pay_links(tenant: TenantSnapshot, invoice_id: int) -> None:
    """Every link to the invoice stops working at once; the caller commits."""
    db.session.execute(
        update(PayLink)
        .where(
            PayLink.tenant_id == tenant.id,
            PayLink.invoice_id == invoice_id,
            PayLink.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
