"""Earnings: totals per referrer, the commission queue staff decide on, and payouts.

Balances are sums, never stored: pending = pending commissions; approved = approved
commissions (reversals included, they are negative) minus payouts; paid = payouts. A payout
can never exceed the approved balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from flask_babel import lazy_gettext
from sqlalchemy import ScalarSelect, Select, func, select
from sqlalchemy.orm import aliased

from portal.auth.principals import PrincipalKind
from portal.billing.models import Invoice
from portal.billing.money import format_minor
from portal.clients.models import ClientAccount, Contact
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.notifications.service import Event, Recipient, notify
from portal.payments.models import METHOD_LABELS, PaymentMethod
from portal.referrals.models import (
    Commission,
    CommissionStatus,
    Payout,
    Referral,
    ReferralClick,
    ReferralCode,
)
from tenants.scoping import get_owned, owned
from tenants.snapshot import TenantSnapshot

MAX_REASON = 500
NOTICE = "referral.earning"


@dataclass(frozen=True, slots=True)
class Totals:
    clicks: int
    signups: int
    pending_minor: int
    approved_minor: int  # approved and not yet paid out: what a payout may take
    paid_minor: int


def _click_count(tenant_id: int) -> ScalarSelect[Any]:
    return (
        select(func.count(ReferralClick.id))
        .where(ReferralClick.tenant_id == tenant_id, ReferralClick.code_id == ReferralCode.id)
        .correlate(ReferralCode)
        .scalar_subquery()
    )


def _signup_count(tenant_id: int) -> ScalarSelect[Any]:
    return (
        select(func.count(Referral.id))
        .where(Referral.tenant_id == tenant_id, Referral.code_id == ReferralCode.id)
        .correlate(ReferralCode)
        .scalar_subquery()
    )


def _commission_sum(tenant_id: int, status: str) -> ScalarSelect[Any]:
    return (
        select(func.coalesce(func.sum(Commission.amount_minor), 0))
        .where(
            Commission.tenant_id == tenant_id,
            Commission.code_id == ReferralCode.id,
            Commission.status == status,
        )
        .correlate(ReferralCode)
        .scalar_subquery()
    )


def _payout_sum(tenant_id: int) -> ScalarSelect[Any]:
    return (
        select(func.coalesce(func.sum(Payout.amount_minor), 0))
        .where(Payout.tenant_id == tenant_id, Payout.code_id == ReferralCode.id)
        .correlate(ReferralCode)
        .scalar_subquery()
    )


def referrers_query(tenant: TenantSnapshot) -> Select[Any]:
    """Every referrer with its account, contact and totals, one row each (staff list):
    (code, account name, contact name, contact email, clicks, sign-ups, pending, approved,
    paid); the caller orders and paginates."""
    tenant_id = tenant.id
    return (
        select(
            ReferralCode,
            ClientAccount.name,
            Contact.name,
            Contact.email,
            _click_count(tenant_id).label("clicks"),
            _signup_count(tenant_id).label("signups"),
            _commission_sum(tenant_id, CommissionStatus.PENDING).label("pending"),
            _commission_sum(tenant_id, CommissionStatus.APPROVED).label("approved"),
            _payout_sum(tenant_id).label("paid"),
        )
        .join(
            ClientAccount,
            (ClientAccount.tenant_id == ReferralCode.tenant_id)
            & (ClientAccount.id == ReferralCode.account_id),
        )
        .join(
            Contact,
            (Contact.tenant_id == ReferralCode.tenant_id) & (Contact.id == ReferralCode.contact_id),
        )
        .where(ReferralCode.tenant_id == tenant_id)
    )


def totals_of(tenant: TenantSnapshot, code_id: int) -> Totals:
    """One referrer's numbers, in one query."""
    row = db.session.execute(
        referrers_query(tenant).where(ReferralCode.id == code_id)
    ).one_or_none()
    if row is None:
        return Totals(0, 0, 0, 0, 0)
    _code, _account, _name, _email, clicks, signups, pending, approved, paid = row
    return Totals(int(clicks), int(signups), int(pending), int(approved) - int(paid), int(paid))


def commissions_query(tenant: TenantSnapshot, *, code_id: int | None = None,
                      status: str = "") -> Select[Any]:  # fmt: skip
    """(commission, invoice number or None, referred account name, referrer's name or email),
    newest first."""
    referrer = aliased(Contact)
    query = (
        select(
            Commission,
            Invoice.number,
            ClientAccount.name,
            func.coalesce(func.nullif(referrer.name, ""), referrer.email),
        )
        .join(
            Referral,
            (Referral.tenant_id == Commission.tenant_id) & (Referral.id == Commission.referral_id),
        )
        .join(
            ClientAccount,
            (ClientAccount.tenant_id == Referral.tenant_id)
            & (ClientAccount.id == Referral.referred_account_id),
        )
        .join(
            ReferralCode,
            (ReferralCode.tenant_id == Commission.tenant_id)
            & (ReferralCode.id == Commission.code_id),
        )
        .join(
            referrer,
            (referrer.tenant_id == ReferralCode.tenant_id)
            & (referrer.id == ReferralCode.contact_id),
        )
        .outerjoin(
            Invoice,
            (Invoice.tenant_id == Commission.tenant_id) & (Invoice.id == Commission.invoice_id),
        )
        .where(Commission.tenant_id == tenant.id)
        .order_by(Commission.created_at.desc(), Commission.id.desc())
    )
    if code_id is not None:
        query = query.where(Commission.code_id == code_id)
    if status:
        query = query.where(Commission.status == status)
    return cast("Select[Any]", query)


def payouts_query(tenant: TenantSnapshot, code_id: int) -> Select[Any]:
    return owned(Payout, tenant, Payout.code_id == code_id).order_by(
        Payout.paid_on.desc(), Payout.id.desc()
    )


def _pending_or_error(tenant: TenantSnapshot, commission_id: int) -> Commission:
    commission = get_owned(Commission, tenant, commission_id)
    if commission is None:
        raise UserError("That commission does not exist.")
    if commission.status != CommissionStatus.PENDING:
        raise UserError("That commission was already decided.")
    return commission


def _tell_referrer(tenant: TenantSnapshot, code_id: int, title: Any, body: Any) -> None:
    """An in-app notice (and email or push, per the client's preferences)."""
    code = get_owned(ReferralCode, tenant, code_id)
    if code is None:
        return
    notify(
        tenant,
        [Recipient(PrincipalKind.CLIENT.value, code.contact_id)],
        Event(
            kind=NOTICE,
            title=title,
            body=body,
            path="/referrals/",
            group_key=f"referral:{code.id}",
            account_id=code.account_id,
        ),
    )


def approve(tenant: TenantSnapshot, commission_id: int, staff_id: int) -> Commission:
    """The caller commits."""
    commission = _pending_or_error(tenant, commission_id)
    commission.status = CommissionStatus.APPROVED
    commission.decided_by_staff_id = staff_id
    commission.decided_at = utcnow()
    if commission.amount_minor > 0:
        shown = format_minor(commission.amount_minor, commission.currency)
        _tell_referrer(
            tenant,
            commission.code_id,
            lazy_gettext("Referral commission approved: %(amount)s", amount=shown),
            lazy_gettext(
                "%(firm)s approved a commission of %(amount)s for a client you referred.",
                firm=tenant.name,
                amount=shown,
            ),
        )
    return commission


def reject(tenant: TenantSnapshot, commission_id: int, staff_id: int, reason: str) -> Commission:
    """A rejection says why (the referrer sees it). The caller commits."""
    text = " ".join((reason or "").split())
    if not text:
        raise UserError("Say why the commission is rejected; the client sees it.", "reason")
    if len(text) > MAX_REASON:
        raise UserError(f"Keep the reason under {MAX_REASON} characters.", "reason")
    commission = _pending_or_error(tenant, commission_id)
    commission.status = CommissionStatus.REJECTED
    commission.reason = text
    commission.decided_by_staff_id = staff_id
    commission.decided_at = utcnow()
    return commission


def record_payout(
    tenant: TenantSnapshot,
    code: ReferralCode,
    *,
    amount_minor: int,
    currency: str,
    method: str,
    paid_on: date,
    reference: str,
    staff_id: int,
) -> Payout:
    """Pay out of the approved balance, never more. The caller commits."""
    try:
        method_value = PaymentMethod(method).value
    except ValueError:
        choices = ", ".join(METHOD_LABELS.values())
        raise UserError(f"Choose a payout method ({choices}).", "method") from None
    if amount_minor <= 0:
        raise UserError("The amount must be more than zero.", "amount")
    # Two staff paying out at once: the row lock (PostgreSQL) makes the second one wait.
    db.session.execute(select(ReferralCode.id).where(ReferralCode.id == code.id).with_for_update())
    balance = totals_of(tenant, code.id).approved_minor
    if amount_minor > balance:
        raise UserError(
            "That is more than the approved balance; approve commissions first.", "amount"
        )
    payout = Payout(
        tenant_id=tenant.id,
        code_id=code.id,
        amount_minor=amount_minor,
        currency=currency,
        paid_on=paid_on,
        method=method_value,
        reference=(reference or "").strip()[:200],
        recorded_by_staff_id=staff_id,
    )
    db.session.add(payout)
    db.session.flush()
    shown = format_minor(amount_minor, currency)
    _tell_referrer(
        tenant,
        code.id,
        lazy_gettext("Referral payout: %(amount)s", amount=shown),
        lazy_gettext("%(firm)s paid you %(amount)s.", firm=tenant.name, amount=shown),
    )
    return payout
