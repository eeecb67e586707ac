"""Firm staff and platform operators: provisioning a firm with its owner, staff invitations,
and operator accounts."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from portal.auth.models import Operator, StaffInvitation, StaffMember, StaffRole
from portal.auth.passwords import hash_password, password_problem
from portal.auth.tokens import new_token
from portal.core.database import utcnow
from portal.core.emails import normalize_email
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.mail.compose import queue_email
from tenants.context import tenant_url
from tenants.models import Tenant
from tenants.provisioning import create_tenant
from tenants.resolution import snapshot_of
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot


def provision_tenant(slug: str, name: str, owner_email: str) -> tuple[Tenant, str]:
    """Create a tenant and its owner, and queue the owner's invitation. The caller commits."""
    tenant = create_tenant(slug, name)
    owner = StaffMember(
        tenant_id=tenant.id, email=normalize_email(owner_email), role=StaffRole.OWNER
    )
    db.session.add(owner)
    db.session.flush()
    link = invite_staff(snapshot_of(tenant), owner)
    return tenant, link


def invite_staff(tenant: TenantSnapshot, staff: StaffMember) -> str:
    """Issue a fresh invitation (older ones stop working) and queue its email; return the link."""
    now = utcnow()
    for old in db.session.scalars(
        owned(StaffInvitation, tenant.id).where(
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
    link = tenant_url(tenant.canonical_host, "admin_firm.accept_invitation", token=raw)
    queue_email(
        tenant, staff.email, "staff_invitation", link=link, expiry_days=days, role=staff.role
    )
    return link


def create_operator(email: str, password: str) -> Operator:
    address = normalize_email(email)
    problem = password_problem(password, email=address)
    if problem:
        raise UserError(problem, field="password")
    if db.session.scalar(select(Operator.id).where(Operator.email == address)) is not None:
        raise UserError(f"An operator with the email {address} already exists.", field="email")
    operator = Operator(email=address, password_hash=hash_password(password))
    db.session.add(operator)
    db.session.commit()
    return operator
