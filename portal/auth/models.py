"""Who works on the platform: operators, firm staff and their invitations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.auth.principals import Principal, PrincipalKind
from portal.auth.roles import Permission, StaffRole, role_allows, role_label
from portal.core.database import utcnow
from portal.core.extensions import Model
from tenants.scoping import TenantOwned


class Operator(Principal, Model):
    """A platform operator: signs in on the platform host only."""

    __tablename__ = "operators"
    kind = PrincipalKind.OPERATOR
    tenant_owned = False

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffMember(Principal, TenantOwned, Model):
    """A person working for one firm (tenant); signs in on that tenant's hosts under /admin."""

    __tablename__ = "staff_members"
    __table_args__ = (UniqueConstraint("tenant_id", "email"), UniqueConstraint("tenant_id", "id"))
    kind = PrincipalKind.STAFF
    tenant_owned = True

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(16), default=StaffRole.MEMBER)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    disabled_at: Mapped[datetime | None]
    # Removed from the team: hidden from the team page, kept so the audit log can name them.
    removed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def can_sign_in(self) -> bool:
        return self.disabled_at is None and self.password_hash is not None

    def can(self, permission: Permission) -> bool:
        return role_allows(self.role, permission)

    @property
    def can_manage_settings(self) -> bool:
        return self.can(Permission.MANAGE_SETTINGS)

    @property
    def role_label(self) -> str:
        return role_label(self.role)

    @property
    def status(self) -> str:
        """Active, Invited (no password set yet) or Deactivated, as the team page shows it."""
        if self.disabled_at is not None:
            return "Deactivated"
        return "Invited" if self.password_hash is None else "Active"

    @property
    def display_name(self) -> str:
        return self.name or self.email


class StaffInvitation(TenantOwned, Model):
    __tablename__ = "staff_invitations"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "staff_id"], ["staff_members.tenant_id", "staff_members.id"]
        ),
        UniqueConstraint("tenant_id", "token_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffPasswordReset(TenantOwned, Model):
    """A staff member's "forgot password" link: only its SHA-256 is kept; one hour, single use."""

    __tablename__ = "staff_password_resets"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "staff_id"], ["staff_members.tenant_id", "staff_members.id"]
        ),
        UniqueConstraint("tenant_id", "token_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EmailChange(TenantOwned, Model):
    """A client's new address waiting for its confirmation link (SHA-256 kept; 24 h, once)."""

    __tablename__ = "email_changes"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
        UniqueConstraint("tenant_id", "token_hash"),
        Index("ix_email_changes_tenant_contact", "tenant_id", "contact_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int]
    new_email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SignInCode(TenantOwned, Model):
    """An emailed sign-in code (argon2) and its one-click link (SHA-256), for an address rather
    than a person: with duplicate contacts one address may open several identities."""

    __tablename__ = "sign_in_codes"
    __table_args__ = (
        UniqueConstraint("tenant_id", "link_hash"),
        Index("ix_sign_in_codes_tenant_email", "tenant_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    code_hash: Mapped[str] = mapped_column(String(200))
    link_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    invalidated_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
