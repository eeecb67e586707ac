"""Emails to the firm's managers about something a client did."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from portal.auth.models import StaffMember, StaffRole
from portal.core.extensions import db
from portal.mail.compose import queue_email
from tenants.models import Tenant
from tenants.resolution import snapshot_of


def notify_managers(tenant: Tenant, kind: str, **context: Any) -> int:
    """Queue `kind` to every owner and admin who can sign in; the caller commits."""
    managers = db.session.scalars(
        select(StaffMember).where(
            StaffMember.tenant_id == tenant.id,
            StaffMember.role.in_([StaffRole.OWNER, StaffRole.ADMIN]),
            StaffMember.disabled_at.is_(None),
        )
    ).all()
    snapshot = snapshot_of(tenant)
    for manager in managers:
        queue_email(snapshot, manager.email, kind, staff=manager, **context)
    return len(managers)
