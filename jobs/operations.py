"""Job entry points for running the platform: purging tenants after their deletion grace
period and building their export archives.
"""

from __future__ import annotations

from jobs.context import job
from portal.operations.deletion import build_export, purge_due


@job
def build_tenant_export(tenant_id: int) -> str:
    return build_export(tenant_id)


@job
def purge_deleted_tenants() -> int:
    return purge_due()
