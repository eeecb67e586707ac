"""Creating a tenant and changing its status: the platform side of a firm's lifecycle.

The firm's owner and their invitation are staff matters (`portal.auth.staff.provision_tenant`).
"""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.models import Tenant, TenantStatus

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,30}[a-z0-9])$")
RESERVED_SLUGS = frozenset(
    """admin administrator api app apps assets auth autoconfig autodiscover billing blog cdn
    console dashboard dev docs domains email files foyer ftp help imap internal login mail
    mailbox mx ns ns1 ns2 operator platform pop pop3 portal root smtp static status support
    test tls webmail www""".split()
)


def validate_slug(raw: str) -> str:
    slug = (raw or "").strip().lower()
    if not SLUG_PATTERN.match(slug):
        raise UserError(
            "The slug must be 3 to 32 characters: lower-case letters, digits and hyphens, "
            "starting and ending with a letter or digit.",
            field="slug",
        )
    if "--" in slug:
        raise UserError("The slug cannot contain two hyphens in a row.", field="slug")
    if slug in RESERVED_SLUGS:
        raise UserError(f"'{slug}' is reserved by the platform; choose another slug.", field="slug")
    if db.session.scalar(select(Tenant.id).where(Tenant.slug == slug)) is not None:
        raise UserError(f"A tenant with the slug '{slug}' already exists.", field="slug")
    return slug


def validate_name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise UserError("Enter the firm's name.", field="name")
    if len(name) > 120:
        raise UserError("The firm's name can be at most 120 characters.", field="name")
    return name


def create_tenant(slug: str, name: str) -> Tenant:
    """Add a tenant with a valid, free slug; the caller commits."""
    tenant = Tenant(slug=validate_slug(slug), name=validate_name(name))
    db.session.add(tenant)
    db.session.flush()
    return tenant


def set_tenant_status(slug: str, status: TenantStatus) -> Tenant:
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise UserError(f"No tenant with the slug '{slug}'.", field="slug")
    tenant.status = status
    db.session.commit()
    return tenant
