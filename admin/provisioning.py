"""Creating tenants, operators and firm staff, and inviting staff by email."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from portal.auth.models import Operator, StaffInvitation, StaffMember, StaffRole
from portal.auth.passwords import hash_password, password_problem
from portal.auth.tokens import new_token
from portal.core.database import utcnow
from portal.core.emails import normalize_email
from portal.core.extensions import db
from portal.mail.compose import queue_email
from tenants.context import tenant_url
from tenants.models import Tenant, TenantStatus
from tenants.resolution import snapshot_of

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,30}[a-z0-9])$")
RESERVED_SLUGS = frozenset(
    """admin administrator api app apps assets auth autoconfig autodiscover billing blog cdn
    console dashboard dev docs domains email files foyer ftp help imap internal login mail
    mailbox mx ns ns1 ns2 operator platform pop pop3 portal root smtp static status support
    test tls webmail www""".split()
)


class ProvisioningError(ValueError):
    def __init__(self, message: str, field: str = "slug") -> None:
        super().__init__(message)
        self.field = field


def validate_slug(raw: str) -> str:
    slug = (raw or "").strip().lower()
    if not SLUG_PATTERN.match(slug):
        raise ProvisioningError(
            "The slug must be 3 to 32 characters: lower-case letters, digits and hyphens, "
            "starting and ending with a letter or digit."
        )
    if "--" in slug:
        raise ProvisioningError("The slug cannot contain two hyphens in a row.")
    if slug in RESERVED_SLUGS:
        raise ProvisioningError(f"'{slug}' is reserved by the platform; choose another slug.")
    if db.session.scalar(select(Tenant.id).where(Tenant.slug == slug)) is not None:
        raise ProvisioningError(f"A tenant with the slug '{slug}' already exists.")
    return slug


def validate_name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise ProvisioningError("Enter the firm's name.", "name")
    if len(name) > 120:
        raise ProvisioningError("The firm's name can be at most 120 characters.", "name")
    return name


def provision_tenant(slug: str, name: str, owner_email: str) -> tuple[Tenant, str]:
    """Create a tenant and its owner, and queue the owner's invitation. The caller commits."""
    tenant = Tenant(slug=validate_slug(slug), name=validate_name(name))
    owner_address = normalize_email(owner_email)
    db.session.add(tenant)
    db.session.flush()
    owner = StaffMember(tenant_id=tenant.id, email=owner_address, role=StaffRole.OWNER)
    db.session.add(owner)
    db.session.flush()
    link = invite_staff(tenant, owner)
    return tenant, link


def invite_staff(tenant: Tenant, staff: StaffMember) -> str:
    """Issue a fresh invitation (older ones stop working) and queue its email; return the link."""
    now = utcnow()
    for old in db.session.scalars(
        select(StaffInvitation).where(
            StaffInvitation.tenant_id == tenant.id,
            StaffInvitation.staff_id == staff.id,
            StaffInvitation.accepted_at.is_(None),
            StaffInvitation.cancelled_at.is_(None),
        )
    ):
        old.cancelled_at = now
    raw, digest = new_token()
    days = current_app.config["STAFF_INVITE_EXPIRY_DAYS"]
    db.session.add(
        StaffInvitation(
            tenant_id=tenant.id,
            staff_id=staff.id,
            token_hash=digest,
            expires_at=now + timedelta(days=days),
        )
    )
    snapshot = snapshot_of(tenant)
    link = tenant_url(snapshot.canonical_host, "admin_firm.accept_invitation", token=raw)
    queue_email(
        snapshot, staff.email, "staff_invitation", link=link, expiry_days=days, role=staff.role
    )
    return link


def set_tenant_status(slug: str, status: TenantStatus) -> Tenant:
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise ProvisioningError(f"No tenant with the slug '{slug}'.")
    tenant.status = status
    db.session.commit()
    return tenant


def create_operator(email: str, password: str) -> Operator:
    address = normalize_email(email)
    problem = password_problem(password, email=address)
    if problem:
        raise ProvisioningError(problem, "password")
    if db.session.scalar(select(Operator.id).where(Operator.email == address)) is not None:
        raise ProvisioningError(f"An operator with the email {address} already exists.", "email")
    operator = Operator(email=address, password_hash=hash_password(password))
    db.session.add(operator)
    db.session.commit()
    return operator
