"""The firm's referral programme settings, and who may refer (an active, eligible referrer).

"Inactive referrers earn nothing": a referrer whose portal access to its account was removed,
whose account is archived, or who is no longer in the programme's audience is refused at the
moment it would earn, not only when its link was made.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from portal.billing.money import parse_amount, parse_decimal
from portal.clients.models import AccountContact, AccountTag, ClientAccount
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.referrals.models import Audience, ReferralSettings
from tenants.scoping import tenant_id_of
from tenants.snapshot import TenantSnapshot

MAX_COOKIE_DAYS = 365
MAX_TERMS = 10_000
AUDIENCE_LABELS = {
    Audience.ALL: _l("Every client with portal access"),
    Audience.TAGS: _l("Clients of accounts with one of these tags"),
}


@dataclass(frozen=True, slots=True)
class SettingsInput:
    enabled: bool
    audience: str
    tags: str
    cookie_days: str
    percent: str  # "10" or "2.5": a percentage of each amount paid
    signup_amount: str  # "25.00" in the firm's currency
    terms: str


def settings_of(tenant: TenantSnapshot | int) -> ReferralSettings:
    """The firm's settings; a fresh, unsaved row (programme off) when it never saved any."""
    tenant_id = tenant_id_of(tenant)
    row = db.session.get(ReferralSettings, tenant_id)
    return row if row is not None else ReferralSettings(
        tenant_id=tenant_id, enabled=False, audience=Audience.ALL, tags="", cookie_days=30,
        percent_bps=0, signup_minor=0, terms="",
    )  # fmt: skip


def is_running(tenant: TenantSnapshot | int) -> bool:
    """Is the programme on? The client menu shows Referrals only then."""
    return settings_of(tenant).enabled


def tag_list(raw: str) -> list[str]:
    """'VIP, Referrer ,vip' → ['referrer', 'vip']: tags are stored lowercased and trimmed."""
    return sorted({part.strip().lower()[:50] for part in raw.split(",") if part.strip()})


def save_settings(tenant: TenantSnapshot | int, data: SettingsInput, currency: str) -> None:
    """Validate everything first; nothing is saved when one field is wrong. The caller commits."""
    try:
        audience = Audience(data.audience)
    except ValueError:
        raise UserError("Choose who gets a referral link.", "audience") from None
    tags = tag_list(data.tags)
    if audience is Audience.TAGS and not tags:
        raise UserError("Name at least one tag, or give every client a link.", "tags")
    if len(",".join(tags)) > 500:
        raise UserError("Too many tags (500 characters at most).", "tags")
    days = (data.cookie_days or "").strip()
    if not days.isdigit() or not 1 <= int(days) <= MAX_COOKIE_DAYS:
        raise UserError(f"Enter a whole number of days from 1 to {MAX_COOKIE_DAYS}.", "cookie_days")
    percent = parse_decimal(data.percent, "percent", places=2, high=Decimal(100))
    signup_minor = parse_amount(data.signup_amount or "0", currency, "signup_amount")
    if signup_minor < 0:
        raise UserError("The amount cannot be negative.", "signup_amount")
    if len(data.terms) > MAX_TERMS:
        raise UserError(f"Terms are limited to {MAX_TERMS:,} characters.", "terms")
    if data.enabled and percent == 0 and signup_minor == 0:
        raise UserError(
            "Set a percentage of paid invoices or an amount per sign-up (or both).", "percent"
        )
    row = settings_of(tenant)
    db.session.add(row)
    row.enabled = data.enabled
    row.audience = audience
    row.tags = ",".join(tags)
    row.cookie_days = int(days)
    row.percent_bps = int(percent * 100)
    row.signup_minor = signup_minor
    row.terms = data.terms.strip()
    row.updated_at = utcnow()


def is_eligible(settings: ReferralSettings, account_id: int, contact_id: int) -> bool:
    """May this contact refer for this account right now (programme on, portal access,
    account not archived, in the audience)? One query."""
    if not settings.enabled:
        return False
    tenant_id = settings.tenant_id
    query = (
        select(AccountContact.contact_id)
        .join(
            ClientAccount,
            (ClientAccount.tenant_id == AccountContact.tenant_id)
            & (ClientAccount.id == AccountContact.account_id),
        )
        .where(
            AccountContact.tenant_id == tenant_id,
            AccountContact.account_id == account_id,
            AccountContact.contact_id == contact_id,
            AccountContact.login_enabled.is_(True),
            ClientAccount.archived_at.is_(None),
        )
    )
    if settings.audience == Audience.TAGS:
        query = query.where(
            exists().where(
                AccountTag.tenant_id == tenant_id,
                AccountTag.account_id == account_id,
                AccountTag.tag.in_(tag_list(settings.tags)),
            )
        )
    return db.session.scalar(query) is not None
