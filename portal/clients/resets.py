"""Password reset links for clients: 256-bit, hashed at rest, single use, one hour."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from portal.auth.single_use import consume_once
from portal.auth.tokens import hash_token, new_token
from portal.clients.models import Contact, PasswordReset
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.mail.compose import queue_email
from tenants.context import tenant_url
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

RESET_LIFETIME = timedelta(hours=1)


def send_reset(tenant: TenantSnapshot, contact: Contact) -> None:
    """Issue a new reset link (older unused ones die) and queue its email; the caller commits."""
    now = utcnow()
    db.session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.tenant_id == tenant.id,
            PasswordReset.contact_id == contact.id,
            PasswordReset.used_at.is_(None),
        )
        .values(used_at=now)
    )
    raw, digest = new_token()
    db.session.add(
        PasswordReset(
            tenant_id=tenant.id,
            contact_id=contact.id,
            token_hash=digest,
            expires_at=now + RESET_LIFETIME,
        )
    )
    link = tenant_url(tenant.canonical_host, "access.reset_password", token=raw)
    queue_email(tenant, contact.email, "password_reset", link=link, contact=contact)


def live_reset(tenant_id: int, token: str) -> PasswordReset | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        owned(PasswordReset, tenant_id).where(
            PasswordReset.token_hash == hash_token(token),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > utcnow(),
        )
    )


def use_reset(reset: PasswordReset) -> bool:
    return consume_once(PasswordReset, reset, "used_at")
