"""Second factors: TOTP secrets, recovery codes, passkeys and emailed unlock links.

Design: one table per kind of factor for every kind of person, keyed by
(`principal_kind`, `principal_id`). Staff and clients belong to a firm, so their rows carry that
firm's `tenant_id` and every read filters on it; operators belong to no firm, so their rows have
`tenant_id` NULL and every read filters on `tenant_id IS NULL`. One table per kind keeps the
verification code single; the nullable `tenant_id` is the one place operators differ.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import utcnow
from portal.core.extensions import Model


class _Owned:
    """Whose factor this is: a firm's person (tenant_id set) or an operator (tenant_id NULL)."""

    tenant_id: Mapped[int | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    principal_kind: Mapped[str] = mapped_column(String(16))
    principal_id: Mapped[int]


class TotpFactor(_Owned, Model):
    """An authenticator app: the secret (sealed), confirmed by a first valid code."""

    __tablename__ = "totp_factors"
    __table_args__ = (UniqueConstraint("principal_kind", "principal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    secret_sealed: Mapped[str] = mapped_column(String(400))
    confirmed_at: Mapped[datetime | None]
    last_step: Mapped[int] = mapped_column(default=0)  # replay guard: steps <= this are spent
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecoveryCode(_Owned, Model):
    """One of ten single-use codes, stored as a hash and shown once."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    used_at: Mapped[datetime | None]


class Passkey(_Owned, Model):
    """A WebAuthn credential registered for one host (its relying-party id)."""

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(80))
    transports: Mapped[str] = mapped_column(String(200), default="")
    rp_id: Mapped[str] = mapped_column(String(253))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    # Set when a sign-in reported a signature counter not above the stored one: the
    # authenticator may have been copied. That sign-in is refused and the person is told.
    clone_warning_at: Mapped[datetime | None]


class PasskeyChallenge(Model):
    """One WebAuthn ceremony in progress: its random challenge, kept server-side (shared by
    every process) under a handle that only the session holding it knows; used once, then
    deleted, and worthless after `expires_at`. Bound to the host (relying-party id) and, for
    registration and the second-factor step, to the person."""

    __tablename__ = "passkey_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    handle_hash: Mapped[str] = mapped_column(String(64), unique=True)
    challenge: Mapped[bytes] = mapped_column(LargeBinary)
    purpose: Mapped[str] = mapped_column(String(16))
    rp_id: Mapped[str] = mapped_column(String(253))
    principal_kind: Mapped[str] = mapped_column(String(16), default="")
    principal_id: Mapped[int | None]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class FactorUnlock(_Owned, Model):
    """An emailed single-use link after a lockout: lets the person in once, then re-enrol."""

    __tablename__ = "factor_unlocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
