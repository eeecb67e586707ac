"""Codes sent by email (sign-up verification, passwordless sign-in): 6 random digits kept as
an argon2 hash plus a one-click link kept as a SHA-256, one live code per owner (a new one
cancels the older), a few wrong entries invalidate it, and single use by one conditional UPDATE.

Each use has its own table with the same columns; `owner` is the WHERE clause naming whose
codes they are (a contact, an address)."""

from __future__ import annotations

import enum
import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, update

from portal.auth.passwords import hash_password, verify_password
from portal.auth.single_use import consume_once
from portal.auth.tokens import hash_token, new_token
from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.scoping import owned

MAX_ATTEMPTS = 5


# The code tables (SignupCode, SignInCode) share their columns, not a base class.
CodeModel = Any
Owner = Sequence[ColumnElement[bool]]


class CodeCheck(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    NO_LIVE_CODE = "no live code"


def issue(
    model: CodeModel, tenant_id: int, owner: Owner, lifetime: timedelta, **fields: Any
) -> tuple[str, str]:
    """Cancel the owner's earlier codes and add a new one (the caller commits); returns the
    code and the raw link token, for the email."""
    now = utcnow()
    db.session.execute(
        update(model)
        .where(model.tenant_id == tenant_id, *owner, *_unused(model))
        .values(invalidated_at=now)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    raw_link, link_hash = new_token()
    db.session.add(
        model(
            tenant_id=tenant_id,
            code_hash=hash_password(code),
            link_hash=link_hash,
            expires_at=now + lifetime,
            **fields,
        )
    )
    return code, raw_link


def live_code(model: CodeModel, tenant_id: int, owner: Owner) -> Any:
    return db.session.scalar(
        owned(model, tenant_id)
        .where(*owner, *_unused(model), model.expires_at > utcnow())
        .order_by(model.id.desc())
        .limit(1)
    )


def check(model: CodeModel, tenant_id: int, owner: Owner, entered: str) -> CodeCheck:
    """Compare in constant time (argon2); the fifth wrong entry invalidates the code."""
    row = live_code(model, tenant_id, owner)
    candidate = "".join(ch for ch in entered if ch.isdigit())
    if row is None:
        verify_password(None, candidate)
        return CodeCheck.NO_LIVE_CODE
    if len(candidate) == 6 and verify_password(row.code_hash, candidate) and use(model, row):
        return CodeCheck.OK
    row.attempts += 1
    if row.attempts >= MAX_ATTEMPTS:
        row.invalidated_at = utcnow()
    return CodeCheck.WRONG


def for_link(model: CodeModel, tenant_id: int, token: str) -> Any:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        owned(model, tenant_id).where(
            model.link_hash == hash_token(token), *_unused(model), model.expires_at > utcnow()
        )
    )


def use(model: CodeModel, row: Any) -> bool:
    return consume_once(model, row, "used_at", "invalidated_at")


def _unused(model: CodeModel) -> tuple[ColumnElement[bool], ...]:
    return (model.used_at.is_(None), model.invalidated_at.is_(None))
