"""Passwordless sign-in for clients: a 6-digit code and a one-click link in one email.

The same token rules as sign-up codes (portal.signup.codes): the code is kept as an argon2
hash, the link as a SHA-256, ten minutes, five wrong entries invalidate the code, one live code
per address (a new request cancels the older ones), single use by one conditional UPDATE.

A code belongs to an address, not to a person: the sign-in form never says whether the address
is known, and with duplicate contacts one address may open several identities. The request only
queues a job (`request_code`), so the answer takes the same time whoever asks; the job sends a
code only when `eligible` says someone may sign in with that address.
"""

from __future__ import annotations

import enum
import secrets
from datetime import timedelta

from sqlalchemy import update

from jobs.queue import enqueue
from portal.auth.models import SignInCode
from portal.auth.passwords import hash_password, verify_password
from portal.auth.single_use import consume_once
from portal.auth.tokens import hash_token, new_token
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.mail.compose import queue_email
from tenants.context import tenant_url
from tenants.models import ClientSignIn
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

CODE_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
SEND_JOB = "send_sign_in_code"
PER_ADDRESS = "5/hour"  # codes asked for one address
PER_IP = "20/hour"  # codes asked from one network address
CHECKS_PER_ADDRESS = "20/15 minutes"  # codes typed for one address (each code: 5 tries)


class CodeCheck(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    NO_LIVE_CODE = "no live code"


def offered(tenant: TenantSnapshot) -> bool:
    return tenant.client_sign_in in (ClientSignIn.PASSWORD_OR_EMAIL, ClientSignIn.EMAIL)


def passwords_allowed(tenant: TenantSnapshot) -> bool:
    return tenant.client_sign_in != ClientSignIn.EMAIL


def request_code(tenant: TenantSnapshot, email: str) -> None:
    """Hand the lookup and the email to a job: the same work for any address."""
    enqueue(SEND_JOB, tenant.id, email)


def issue_code(tenant: TenantSnapshot, email: str) -> None:
    """Cancel the address's earlier codes, create one and queue its email; the caller commits."""
    now = utcnow()
    db.session.execute(
        update(SignInCode)
        .where(
            SignInCode.tenant_id == tenant.id,
            SignInCode.email == email,
            SignInCode.used_at.is_(None),
            SignInCode.invalidated_at.is_(None),
        )
        .values(invalidated_at=now)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    raw_link, link_hash = new_token()
    db.session.add(
        SignInCode(
            tenant_id=tenant.id,
            email=email,
            code_hash=hash_password(code),
            link_hash=link_hash,
            expires_at=now + CODE_LIFETIME,
        )
    )
    link = tenant_url(tenant.canonical_host, "passwordless.link", token=raw_link)
    queue_email(
        tenant,
        email,
        "sign_in_code",
        code=code,
        link=link,
        minutes=int(CODE_LIFETIME.total_seconds() // 60),
    )


def live_code(tenant_id: int, email: str) -> SignInCode | None:
    return db.session.scalar(
        owned(SignInCode, tenant_id)
        .where(
            SignInCode.email == email,
            SignInCode.used_at.is_(None),
            SignInCode.invalidated_at.is_(None),
            SignInCode.expires_at > utcnow(),
        )
        .order_by(SignInCode.id.desc())
        .limit(1)
    )


def check_code(tenant_id: int, email: str, entered: str) -> CodeCheck:
    """Compare in constant time (argon2); the fifth wrong entry invalidates the code."""
    row = live_code(tenant_id, email)
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


def code_for_link(tenant_id: int, token: str) -> SignInCode | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        owned(SignInCode, tenant_id).where(
            SignInCode.link_hash == hash_token(token),
            SignInCode.used_at.is_(None),
            SignInCode.invalidated_at.is_(None),
            SignInCode.expires_at > utcnow(),
        )
    )


def use_link(row: SignInCode) -> bool:
    return _use(row)


def _use(row: SignInCode) -> bool:
    return consume_once(SignInCode, row, "used_at", "invalidated_at")
