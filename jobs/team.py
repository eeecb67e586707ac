"""Staff password reset emails and the audit log's retention purge."""

from __future__ import annotations

from flask import current_app

from jobs.context import job
from portal.audit.log import purge_expired
from portal.auth.staff_resets import send_reset_for
from portal.core.extensions import db
from tenants.resolution import snapshot_by_id


@job
def send_staff_reset(tenant_id: int, email: str) -> bool:
    """The staff "forgot password" request: a link for a teammate, nothing for a stranger."""
    tenant = snapshot_by_id(tenant_id)
    if tenant is None:
        return False
    sent = send_reset_for(tenant, email)
    db.session.commit()
    return sent


@job
def purge_audit_events() -> int:
    """Audit events older than AUDIT_RETENTION_DAYS go, for every firm (daily by default)."""
    return purge_expired(int(current_app.config["AUDIT_RETENTION_DAYS"]))
