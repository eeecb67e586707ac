"""Who brought whom, and what it earned: sign-ups attributed at verification, and commissions
on every payment (or refund) recorded on a referred client's invoices.

Payments are recorded in several places (staff pages, Stripe webhooks, pay links), all through
`portal.payments.recording.record_payment`, which cannot import this package (it sits below it).
So a session listener watches new `PaymentAllocation` rows as they are flushed: every path is
covered, and the commission is written in the same transaction as the payment, or not at all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from portal.audit.service import Outcome, record
from portal.billing.invoices import firm_currency
from portal.billing.models import Invoice
from portal.clients.models import AccountContact, Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.payments.models import Payment, PaymentAllocation
from portal.referrals.links import read_touch
from portal.referrals.models import (
    Commission,
    CommissionKind,
    CommissionStatus,
    Referral,
    ReferralCode,
    ReferralSettings,
)
from portal.referrals.programme import is_eligible, settings_of
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

LIVE = (CommissionStatus.PENDING, CommissionStatus.APPROVED)


def listen() -> None:
    """Listeners are process-wide in SQLAlchemy; `contains` keeps this one single."""
    if not event.contains(Session, "before_flush", _on_flush):
        event.listen(Session, "before_flush", _on_flush)


def attribute_signup(
    tenant: TenantSnapshot, contact: Contact, cookie: str | None
) -> Referral | None:
    """At verification: attribute the new client to the code in its first-touch cookie, if the
    cookie is valid and young enough, the referrer still active and not the client itself;
    add the fixed sign-up commission. The caller commits."""
    settings = settings_of(tenant)
    if not settings.enabled:
        return None
    touch = read_touch(tenant, cookie, settings.cookie_days)
    if touch is None:
        return None
    if db.session.scalar(
        owned(Referral, tenant, Referral.referred_contact_id == contact.id)
    ) is not None:  # fmt: skip
        return None
    account_ids = list(
        db.session.scalars(
            select(AccountContact.account_id)
            .where(AccountContact.tenant_id == tenant.id, AccountContact.contact_id == contact.id)
            .order_by(AccountContact.account_id)
        )
    )
    code = touch.code
    referrer = db.session.get(Contact, code.contact_id)
    if (
        not account_ids
        or code.contact_id == contact.id
        or code.account_id in account_ids
        or (referrer is not None and referrer.email.lower() == contact.email.lower())
    ):
        record(
            "referral.self_refused",
            tenant=tenant,
            principal_kind="client",
            principal_id=contact.id,
            outcome=Outcome.FAILURE,
            detail=f"referral code {code.id}: the referrer and the new client are the same",
        )
        return None
    if not is_eligible(settings, code.account_id, code.contact_id):
        return None
    referral = Referral(
        tenant_id=tenant.id,
        code_id=code.id,
        referred_account_id=account_ids[0],
        referred_contact_id=contact.id,
        clicked_at=touch.clicked_at,
    )
    db.session.add(referral)
    db.session.flush()
    if settings.signup_minor > 0:
        db.session.add(
            Commission(
                tenant_id=tenant.id,
                code_id=code.id,
                referral_id=referral.id,
                kind=CommissionKind.SIGNUP,
                amount_minor=settings.signup_minor,
                currency=firm_currency(tenant),
            )
        )
    return referral


def percent_of(amount_minor: int, bps: int) -> int:
    """Basis points of an amount, rounded half up to a whole minor unit."""
    return (abs(amount_minor) * bps + 5000) // 10000


def _on_flush(session: Session, _context: Any, _instances: Any) -> None:
    allocations = [obj for obj in session.new if isinstance(obj, PaymentAllocation)]
    if not allocations:
        return
    with session.no_autoflush:
        for allocation in sorted(allocations, key=lambda a: (a.payment_id, a.invoice_id)):
            _on_allocation(session, allocation)


def _on_allocation(session: Session, allocation: PaymentAllocation) -> None:
    """A payment part on an invoice of a referred account earns a percentage; a refund part
    reverses what that invoice earned."""
    tenant_id = allocation.tenant_id
    payment = session.get(Payment, allocation.payment_id)
    settings = session.get(ReferralSettings, tenant_id)
    if payment is None or settings is None or settings.percent_bps <= 0:
        return
    referral = session.scalar(
        owned(Referral, tenant_id, Referral.referred_account_id == payment.account_id)
    )
    if referral is None:
        return
    if allocation.amount_minor < 0:
        _reverse(session, referral, allocation, settings.percent_bps)
        return
    code = session.get(ReferralCode, referral.code_id)
    if code is None or not is_eligible(settings, code.account_id, code.contact_id):
        return  # an inactive referrer earns nothing
    if payment.currency != firm_currency(tenant_id):
        return  # payouts are in the firm's currency; see docs/readme/referrals.md
    amount = percent_of(allocation.amount_minor, settings.percent_bps)
    if amount > 0:
        session.add(
            Commission(
                tenant_id=tenant_id,
                code_id=referral.code_id,
                referral_id=referral.id,
                kind=CommissionKind.INVOICE,
                amount_minor=amount,
                currency=payment.currency,
                invoice_id=allocation.invoice_id,
                payment_id=payment.id,
            )
        )


def _reverse(session: Session, referral: Referral, allocation: PaymentAllocation, bps: int) -> None:
    """Take back the refunded share, never more than the invoice still earns: pending
    commissions are marked reversed first (oldest first, whole ones only); what is left is a
    negative commission, approved at once when it offsets approved (or paid out) earnings."""
    tenant_id = allocation.tenant_id
    earned = session.scalar(
        select(func.coalesce(func.sum(Commission.amount_minor), 0)).where(
            Commission.tenant_id == tenant_id,
            Commission.invoice_id == allocation.invoice_id,
            Commission.referral_id == referral.id,
            Commission.status.in_(LIVE),
        )
    )
    due = min(int(earned or 0), percent_of(allocation.amount_minor, bps))
    if due <= 0:
        return
    invoice = session.get(Invoice, allocation.invoice_id)
    number = invoice.number if invoice is not None else str(allocation.invoice_id)
    pending = session.scalars(
        owned(
            Commission,
            tenant_id,
            Commission.invoice_id == allocation.invoice_id,
            Commission.referral_id == referral.id,
            Commission.status == CommissionStatus.PENDING,
            Commission.amount_minor > 0,
        ).order_by(Commission.id)
    ).all()
    now = utcnow()
    for commission in pending:
        if 0 < commission.amount_minor <= due:
            commission.status = CommissionStatus.REVERSED
            commission.reason = f"Invoice {number} was refunded."
            commission.decided_at = now
            due -= commission.amount_minor
    if due <= 0:
        return
    still_pending = any(c.status == CommissionStatus.PENDING for c in pending)
    session.add(
        Commission(
            tenant_id=tenant_id,
            code_id=referral.code_id,
            referral_id=referral.id,
            kind=CommissionKind.REVERSAL,
            status=CommissionStatus.PENDING if still_pending else CommissionStatus.APPROVED,
            amount_minor=-due,
            currency=invoice.currency if invoice is not None else "",
            invoice_id=allocation.invoice_id,
            payment_id=allocation.payment_id,
            reason=f"Invoice {number} was refunded.",
            decided_at=None if still_pending else now,
        )
    )
