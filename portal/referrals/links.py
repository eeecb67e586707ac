"""Referral codes, the links built from them, clicks, and the first-touch cookie.

A code is 20 random URL-safe characters stored on its row: the link is looked up, never
decoded, so a guessed or altered code finds nothing. The cookie the link sets is signed
(itsdangerous, with the app's secret and the tenant's id inside), carries only the code's row
id and is read back through a lookup too; its signature's timestamp is the click time, which
the firm's cookie window is measured from.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from portal.core.extensions import db
from portal.referrals.models import ReferralClick, ReferralCode, ReferralSettings
from portal.referrals.programme import is_eligible
from tenants.context import tenant_url
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

COOKIE = "foyer_referral"
CODE_LENGTH = 20
SALT = "foyer.referral.first-touch"


@dataclass(frozen=True, slots=True)
class Touch:
    """What a valid cookie says: the code that brought the visitor, and when."""

    code: ReferralCode
    clicked_at: datetime


def existing_code(tenant: TenantSnapshot, account_id: int, contact_id: int) -> ReferralCode | None:
    return db.session.scalar(
        owned(
            ReferralCode,
            tenant,
            ReferralCode.account_id == account_id,
            ReferralCode.contact_id == contact_id,
        )
    )


def code_for(tenant: TenantSnapshot, account_id: int, contact_id: int) -> ReferralCode:
    """The referrer's code, created on first use; the caller commits."""
    row = existing_code(tenant, account_id, contact_id)
    if row is None:
        row = ReferralCode(
            tenant_id=tenant.id,
            account_id=account_id,
            contact_id=contact_id,
            code=secrets.token_urlsafe(15)[:CODE_LENGTH],
        )
        db.session.add(row)
        db.session.flush()
    return row


def link_of(tenant: TenantSnapshot, code: ReferralCode) -> str:
    """The shareable link, always on the firm's canonical host."""
    return tenant_url(tenant.canonical_host, "referral_link.follow", code=code.code)


def find_code(tenant: TenantSnapshot, raw: str) -> ReferralCode | None:
    if not raw or len(raw) > CODE_LENGTH * 2:
        return None
    return db.session.scalar(owned(ReferralCode, tenant, ReferralCode.code == raw))


def visitor_hash(day: date, ip: str, user_agent: str) -> str:
    """A salted digest of address and browser for this day: dedupes clicks, stores no PII."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"{day.isoformat()}|{ip}|{user_agent[:400]}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def record_click(
    tenant: TenantSnapshot, code: ReferralCode, settings: ReferralSettings, *, ip: str, agent: str
) -> bool:
    """Count one visit (once per visitor per day) if the referrer may refer; a repeat, refused
    by the unique key, is rolled back to its savepoint. The caller commits."""
    if not is_eligible(settings, code.account_id, code.contact_id):
        return False
    today = date.today()
    click = ReferralClick(
        tenant_id=tenant.id, code_id=code.id, day=today, visitor=visitor_hash(today, ip, agent)
    )
    try:
        with db.session.begin_nested():
            db.session.add(click)
    except IntegrityError:
        pass  # already counted today
    return True


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt=SALT)


def cookie_value(tenant: TenantSnapshot, code: ReferralCode) -> str:
    return _serializer().dumps([tenant.id, code.id])


def read_touch(tenant: TenantSnapshot, raw: str | None, window_days: int) -> Touch | None:
    """The code a signed cookie names, if the signature holds, the cookie was made for this
    tenant and it is younger than the window; anything else is ignored (never an error)."""
    if not raw:
        return None
    try:
        payload, signed_at = _serializer().loads(
            raw, max_age=window_days * 86400, return_timestamp=True
        )
    except BadSignature:  # also SignatureExpired: older than the window
        return None
    if not (isinstance(payload, list) and len(payload) == 2 and payload[0] == tenant.id):
        return None
    code_id = payload[1]
    if not isinstance(code_id, int):
        return None
    code = db.session.scalar(owned(ReferralCode, tenant, ReferralCode.id == code_id))
    if code is None:
        return None
    return Touch(code, signed_at.replace(tzinfo=None))


def has_valid_touch(tenant: TenantSnapshot, raw: str | None, window_days: int) -> bool:
    """First touch wins: a live cookie is never replaced by a later click."""
    return read_touch(tenant, raw, window_days) is not None
