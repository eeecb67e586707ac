"""Emails to the firm's managers about something a client did."""

from __future__ import annotations

from typing import Any

from portal.auth.models import StaffMember, StaffRole
from portal.core.extensions import db
from portal.mail.compose import queue_email
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot


def notify_managers(tenant: TenantSnapshot, kind: str, **context: Any) -> int:
    """Queue `kind` to every owner and admin who can sign in; the caller commits."""
    managers = db.session.scalars(
        owned(StaffMember, tenant.id).where(
            StaffMember.role.in_([StaffRole.OWNER, StaffRole.ADMIN]),
            StaffMember.disabled_at.is_(None),
        )
    ).all()
    for manager in managers:
        queue_email(tenant, manager.email, kind, staff=manager, **context)
    return len(managers)
