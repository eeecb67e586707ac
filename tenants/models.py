from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Index, String, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.database import utcnow
from portal.core.extensions import Model
from tenants.check_plans import PlannedChecks
from tenants.scoping import TenantOwned


class TenantStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class SignupMode(enum.StrEnum):
    INVITE_ONLY = "invite_only"
    OPEN = "open"


class ExpiredInviteAction(enum.StrEnum):
    """What a client's click on an expired invitation does."""

    RESEND = "resend"
    NOTIFY = "notify"


# Every language the portal is translated into is offered until the firm says otherwise.
DEFAULT_LANGUAGES = "en,es,fr,de"


class ClientSignIn(enum.StrEnum):
    """How clients sign in (Settings › Portal): passwords, emailed codes, or both."""

    PASSWORD = "password"
    PASSWORD_OR_EMAIL = "password_or_email"
    EMAIL = "email"


class DomainStatus(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    FAILED = "failed"


class Tenant(Model):
    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default=TenantStatus.ACTIVE)
    theme: Mapped[str] = mapped_column(String(32), default="default")
    signup_mode: Mapped[str] = mapped_column(String(16), default=SignupMode.INVITE_ONLY)
    primary_host: Mapped[str | None] = mapped_column(String(253))
    welcome_message: Mapped[str] = mapped_column(String(2000), default="")
    invite_expiry_days: Mapped[int] = mapped_column(default=14)
    expired_invite_action: Mapped[str] = mapped_column(
        String(16), default=ExpiredInviteAction.RESEND
    )
    signup_ask_company: Mapped[bool] = mapped_column(default=False)
    allow_duplicate_contacts: Mapped[bool] = mapped_column(default=False)
    notify_on_signup: Mapped[bool] = mapped_column(default=True)
    unverified_purge_days: Mapped[int] = mapped_column(default=7)
    # Clients who invite their teammates from the portal (portal/web/teammates.py).
    clients_invite_teammates: Mapped[bool] = mapped_column(default=False, server_default=false())
    teammate_approval: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Document requests (portal/documents): reminder lead time and no-login action links.
    document_reminder_days: Mapped[int] = mapped_column(default=3)
    action_links_enabled: Mapped[bool] = mapped_column(default=True)
    action_link_days: Mapped[int] = mapped_column(default=7)
    # Invoice emails (portal.billing.emailing): invitations in a separate email, not inside.
    invoice_invite_separately: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Second factor (portal.auth.second_factor): staff must enrol; clients may use passkeys.
    require_staff_2fa: Mapped[bool] = mapped_column(default=False, server_default=false())
    allow_client_passkeys: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Passwordless sign-in (portal.auth.passwordless): a ClientSignIn value.
    client_sign_in: Mapped[str] = mapped_column(
        String(20), default=ClientSignIn.PASSWORD, server_default=ClientSignIn.PASSWORD
    )
    # Files: the firm's per-file upload limit, never above the platform's MAX_UPLOAD_BYTES.
    max_upload_mb: Mapped[int] = mapped_column(default=50, server_default="50")
    # Billing (portal.billing): ISO 4217 code ("" = the platform's DEFAULT_CURRENCY) and the
    # postal address printed on invoices.
    currency: Mapped[str] = mapped_column(String(3), default="", server_default="")
    firm_address: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    # Branding: validated values only (see portal/branding); image keys name stored files.
    brand_color: Mapped[str] = mapped_column(String(7), default="#1f4e79")
    accent_color: Mapped[str] = mapped_column(String(7), default="#e8eef5")
    portal_name: Mapped[str] = mapped_column(String(120), default="")
    support_email: Mapped[str] = mapped_column(String(320), default="")
    logo_key: Mapped[str] = mapped_column(String(200), default="")
    login_image_key: Mapped[str] = mapped_column(String(200), default="")
    favicon_key: Mapped[str] = mapped_column(String(200), default="")
    # Languages (portal.clients.languages): the default and the comma-separated offered codes.
    default_language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    languages: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_LANGUAGES, server_default=DEFAULT_LANGUAGES
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    domains: Mapped[list[Domain]] = relationship(back_populates="tenant")

    @property
    def is_active(self) -> bool:
        return self.status == TenantStatus.ACTIVE

    @property
    def offered_languages(self) -> tuple[str, ...]:
        return tuple(code for code in self.languages.split(",") if code)


class Domain(PlannedChecks, TenantOwned, Model):
    """A custom web host name of a tenant; served only once verified."""

    __tablename__ = "domains"
    __table_args__ = (
        UniqueConstraint("tenant_id", "host"),
        UniqueConstraint("tenant_id", "id"),
        Index("ix_domains_host_status", "host", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(253))
    status: Mapped[str] = mapped_column(String(16), default=DomainStatus.PENDING)
    verification_token: Mapped[str] = mapped_column(String(64), default="")
    verified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # DNS checks (tenants/webdomains/)
    check_error: Mapped[str | None] = mapped_column(String(300))
    last_checked_at: Mapped[datetime | None]
    check_requested_at: Mapped[datetime | None]
    checks_until: Mapped[datetime | None]
    failed_checks: Mapped[int] = mapped_column(default=0, server_default="0")

    tenant: Mapped[Tenant] = relationship(back_populates="domains")


# One tenant at most may hold a host name as verified; pending claims by several may coexist.
Index(
    "ix_domains_verified_host",
    Domain.host,
    unique=True,
    sqlite_where=Domain.status == "verified",
    postgresql_where=Domain.status == "verified",
)


class HostHandover(Model):
    """A used session hand-over token (tenants/handover.py): each works once."""

    __tablename__ = "host_handovers"

    token_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class CacheVersion(Model):
    """Platform-wide counters that per-process caches compare against (used without Redis)."""

    __tablename__ = "cache_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
