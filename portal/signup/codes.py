"""Verification codes for self sign-up: 6 random digits, 15 minutes, 5 wrong entries, one live
code per person (a resend cancels the older ones), stored as argon2 hashes."""

from __future__ import annotations

import enum
import secrets
from datetime import timedelta

from sqlalchemy import update

from portal.auth.passwords import hash_password, verify_password
from portal.auth.single_use import consume_once
from portal.auth.tokens import hash_token, new_token
from portal.clients.models import Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.mail.compose import queue_email
from portal.signup.models import SignupCode
from tenants.context import tenant_url
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

CODE_LIFETIME = timedelta(minutes=15)
MAX_ATTEMPTS = 5


class CodeCheck(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    NO_LIVE_CODE = "no live code"


def issue_code(tenant: TenantSnapshot, contact: Contact) -> None:
    """Cancel earlier codes, create a new one and queue its email; the caller commits."""
    now = utcnow()
    db.session.execute(
        update(SignupCode)
        .where(
            SignupCode.tenant_id == tenant.id,
            SignupCode.contact_id == contact.id,
            SignupCode.used_at.is_(None),
            SignupCode.invalidated_at.is_(None),
        )
        .values(invalidated_at=now)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    raw_link, link_hash = new_token()
    db.session.add(
        SignupCode(
            tenant_id=tenant.id,
            contact_id=contact.id,
            code_hash=hash_password(code),
            link_hash=link_hash,
            expires_at=now + CODE_LIFETIME,
        )
    )
    link = tenant_url(tenant.canonical_host, "signup.confirm_link", token=raw_link)
    queue_email(
        tenant,
        contact.email,
        "signup_code",
        code=code,
        link=link,
        contact=contact,
        minutes=int(CODE_LIFETIME.total_seconds() // 60),
    )


def live_code(tenant_id: int, contact_id: int) -> SignupCode | None:
    return db.session.scalar(
        owned(SignupCode, tenant_id).where(
            SignupCode.contact_id == contact_id,
            SignupCode.used_at.is_(None),
            SignupCode.invalidated_at.is_(None),
            SignupCode.expires_at > utcnow(),
        )
    )


def check_code(tenant_id: int, contact_id: int, entered: str) -> CodeCheck:
    """Compare in constant time (argon2); the fifth wrong entry invalidates the code."""
    row = live_code(tenant_id, contact_id)
    candidate = "".join(ch for ch in entered if ch.isdigit())
    if row is None:
        verify_password(None, candidate)
        return CodeCheck.NO_LIVE_CODE
    if len(candidate) == 6 and verify_password(row.code_hash, candidate) and _use(row):
        return CodeCheck.OK
    row.attempts += 1
    if row.attempts >= MAX_ATTEMPTS:
        row.invalidated_at = utcnow()
    return CodeCheck.WRONG


def code_for_link(tenant_id: int, token: str) -> SignupCode | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        owned(SignupCode, tenant_id).where(
            SignupCode.link_hash == hash_token(token),
            SignupCode.used_at.is_(None),
            SignupCode.invalidated_at.is_(None),
            SignupCode.expires_at > utcnow(),
        )
    )


def use_link(row: SignupCode) -> bool:
    return _use(row)


def _use(row: SignupCode) -> bool:
    return consume_once(SignupCode, row, "used_at", "invalidated_at")
