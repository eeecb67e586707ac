"""Demo data: the referral programme switched on, a link for the demo client with a few
clicks and one referred sign-up whose commission awaits approval. Sends nothing."""

from __future__ import annotations

from datetime import timedelta

from portal.billing.invoices import firm_currency
from portal.clients import directory
from portal.clients.models import Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.referrals.links import code_for, visitor_hash
from portal.referrals.models import (
    Audience,
    Commission,
    CommissionKind,
    Referral,
    ReferralClick,
    ReferralCode,
)
from portal.referrals.programme import SettingsInput, save_settings, settings_of
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

REFERRED_ACCOUNT = "Patel Bakery"
REFERRED_CONTACT = "ravi.patel@demo-client.example"
PROGRAMME = SettingsInput(
    enabled=True,
    audience=Audience.ALL,
    tags="",
    cookie_days="30",
    percent="10",
    signup_amount="25.00",
    terms="Commissions are approved once the referred client's first invoice is paid.",
)


def seed_referrals(tenant: TenantSnapshot, referrer: Contact, account_id: int) -> None:
    """Once per demo firm (nothing is added when it already has referral codes).
    The caller commits."""
    if db.session.scalar(owned(ReferralCode, tenant).limit(1)) is not None:
        return
    save_settings(tenant, PROGRAMME, firm_currency(tenant))
    code = code_for(tenant, account_id, referrer.id)
    today = utcnow().date()
    db.session.add_all(
        ReferralClick(
            tenant_id=tenant.id,
            code_id=code.id,
            day=today - timedelta(days=days),
            visitor=visitor_hash(today - timedelta(days=days), f"192.0.2.{days}", "demo"),
        )
        for days in (1, 2, 4)
    )
    referred = directory.create_account(tenant.id, REFERRED_ACCOUNT)
    db.session.flush()
    contact = directory.add_contact(tenant.id, referred, REFERRED_CONTACT, "Ravi Patel")
    db.session.flush()
    referral = Referral(
        tenant_id=tenant.id,
        code_id=code.id,
        referred_account_id=referred.id,
        referred_contact_id=contact.id,
        clicked_at=utcnow() - timedelta(days=1),
    )
    db.session.add(referral)
    db.session.flush()
    db.session.add(
        Commission(
            tenant_id=tenant.id,
            code_id=code.id,
            referral_id=referral.id,
            kind=CommissionKind.SIGNUP,
            amount_minor=settings_of(tenant).signup_minor,
            currency=firm_currency(tenant),
        )
    )
