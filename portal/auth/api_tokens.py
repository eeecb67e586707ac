"""Bearer tokens for the REST API: firm tokens (one tenant) and operator tokens (no tenant).

The token is shown once; only its SHA-256 is stored, so a database leak gives no usable token.
Idempotency records keep a POST's response per token and key for a day, so a client that
retries after a lost answer gets the same answer instead of a second object.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Select, String, Text, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import Model, db

PREFIX = "foy_"
SCOPES = ("read", "write")
IDEMPOTENCY_HOURS = 24


class ApiToken(Model):
    """A firm token when `tenant_id` is set, an operator token (platform host) when it is not."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(12))  # the last characters, to tell tokens apart
    scopes: Mapped[str] = mapped_column(String(40))  # "read" or "read write"
    created_by_staff_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    @property
    def can_write(self) -> bool:
        return "write" in self.scopes.split()


class IdempotencyRecord(Model):
    """The stored answer to one POST with an `Idempotency-Key`, per token."""

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(
    tenant_id: int | None,
    name: str,
    *,
    write: bool,
    days: int | None = None,
    staff_id: int | None = None,
) -> tuple[ApiToken, str]:
    """A new token and its plaintext (show it once); the caller commits."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise UserError("Give the token a name of at most 100 characters.", field="name")
    if days is not None and not 1 <= days <= 3650:
        raise UserError("Expiry must be between 1 and 3650 days.", field="days")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        tenant_id=tenant_id,
        name=name,
        token_hash=hash_secret(raw),
        hint=raw[-6:],
        scopes="read write" if write else "read",
        created_by_staff_id=staff_id,
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    db.session.add(token)
    db.session.flush()
    return token, raw


def authenticate(raw: str) -> ApiToken | None:
    """The live token with this plaintext, its last use recorded; None when unknown, revoked
    or expired."""
    token = db.session.scalars(
        select(ApiToken).where(ApiToken.token_hash == hash_secret(raw))
    ).first()
    now = utcnow()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    token.last_used_at = now
    return token


def tokens_query(tenant_id: int | None) -> Select[ApiToken]:
    """A firm's tokens (the operator's when `tenant_id` is None), newest first, for paging."""
    query = select(ApiToken).where(
        ApiToken.tenant_id.is_(None) if tenant_id is None else ApiToken.tenant_id == tenant_id
    )
    return query.order_by(ApiToken.id.desc())


def tokens_of(tenant_id: int | None) -> list[ApiToken]:
    """The newest 200 tokens (the command line's listing)."""
    return list(db.session.scalars(tokens_query(tenant_id).limit(200)))


def revoke(tenant_id: int | None, token_id: int) -> ApiToken | None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.tenant_id != tenant_id:
        return None
    token.revoked_at = token.revoked_at or utcnow()
    return token


def stored_response(token_id: int, key: str) -> IdempotencyRecord | None:
    """The unexpired record for this key; older ones are removed on the way."""
    cutoff = utcnow() - timedelta(hours=IDEMPOTENCY_HOURS)
    db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff))
    return db.session.scalars(
        select(IdempotencyRecord).where(
            IdempotencyRecord.token_id == token_id, IdempotencyRecord.key == key
        )
    ).first()


def store_response(token_id: int, key: str, request_hash: str, status: int, body: str) -> None:
    db.session.add(
        IdempotencyRecord(
            token_id=token_id, key=key, request_hash=request_hash, status=status, body=body
        )
    )
