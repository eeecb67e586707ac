from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import utcnow
from portal.core.extensions import Model
from tenants.scoping import TenantOwned


class SignupCode(TenantOwned, Model):
    """A 6-digit email verification code (argon2-hashed) and its one-click link (SHA-256)."""

    __tablename__ = "signup_codes"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
        UniqueConstraint("tenant_id", "link_hash"),
        Index("ix_signup_codes_tenant_contact", "tenant_id", "contact_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int]
    code_hash: Mapped[str] = mapped_column(String(200))
    link_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    invalidated_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
