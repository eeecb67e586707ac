"""Suspending and resuming a tenant with the reason kept (the console and the API share it)."""

from __future__ import annotations

from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.operations.deletion import lifecycle_of
from tenants.models import Tenant, TenantStatus


def suspend(tenant: Tenant, reason: str) -> str:
    """Take an active tenant offline; returns the reason as stored. The caller commits."""
    reason = (reason or "").strip()[:500]
    if not reason:
        raise UserError("Give the reason for the suspension.", "reason")
    if tenant.status != TenantStatus.ACTIVE:
        raise UserError("Only an active tenant can be suspended.", "reason")
    life = lifecycle_of(tenant)
    life.suspension_reason = reason
    life.suspended_at = utcnow()
    tenant.status = TenantStatus.SUSPENDED
    return reason


def resume(tenant: Tenant) -> str:
    """Bring a suspended tenant back; returns the reason it had been suspended for."""
    if tenant.status != TenantStatus.SUSPENDED:
        raise UserError("Only a suspended tenant can be resumed.", "status")
    life = lifecycle_of(tenant)
    reason = life.suspension_reason
    life.suspension_reason = ""
    life.suspended_at = None
    tenant.status = TenantStatus.ACTIVE
    return reason
