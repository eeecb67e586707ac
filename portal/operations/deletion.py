"""Deleting a tenant: a 30-day grace period (status "deleting", restorable), an export archive
built first (every tenant-owned table's rows as JSON plus the tenant's stored files, zipped),
and the purge after the grace period that removes every row and file of that tenant only.

Tenant-owned tables are found through the metadata (every table with a `tenant_id` column), so
a table added later is exported and purged without touching this module.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import String, Table, delete, select

from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.storage import storage, valid_key
from portal.operations.models import TenantLifecycle
from tenants.models import Tenant, TenantStatus
from tenants.resolution import forget_tenants

GRACE_DAYS = 30
DELETING = "deleting"


def lifecycle_of(tenant: Tenant) -> TenantLifecycle:
    row = db.session.get(TenantLifecycle, tenant.id)
    if row is None:
        row = TenantLifecycle(tenant_id=tenant.id)
        db.session.add(row)
    return row


def find_tenant(slug: str) -> Tenant:
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug.strip().lower()))
    if tenant is None:
        raise UserError(f"No tenant with the slug {slug!r}.", "slug")
    return tenant


def request_deletion(tenant: Tenant, confirm_slug: str, reason: str = "") -> TenantLifecycle:
    """Take the tenant offline now and schedule the purge; the caller enqueues the export."""
    if confirm_slug.strip().lower() != tenant.slug:
        raise UserError("Type the tenant's slug to confirm the deletion.", "confirm")
    if tenant.status == DELETING:
        raise UserError("This tenant is already scheduled for deletion.", "confirm")
    row = lifecycle_of(tenant)
    row.previous_status = tenant.status
    row.deletion_requested_at = utcnow()
    row.deletion_reason = reason.strip()[:500]
    tenant.status = DELETING
    db.session.flush()
    return row


def restore(tenant: Tenant) -> None:
    """Undo a deletion request within the grace period (back to the status it had)."""
    row = db.session.get(TenantLifecycle, tenant.id)
    if tenant.status != DELETING or row is None:
        raise UserError("This tenant is not scheduled for deletion.", "slug")
    tenant.status = row.previous_status or TenantStatus.ACTIVE
    row.deletion_requested_at = None
    row.deletion_reason = ""
    db.session.flush()


def purge_after(row: TenantLifecycle) -> datetime | None:
    if row.deletion_requested_at is None:
        return None
    return row.deletion_requested_at + timedelta(days=GRACE_DAYS)


def tenant_tables() -> list[Table]:
    """Every table with a `tenant_id` column, children before parents (safe delete order)."""
    tables = [t for t in db.metadata.sorted_tables if "tenant_id" in t.c]
    return list(reversed(tables))


def _file_columns(table: Table) -> list[str]:
    return [
        c.name
        for c in table.c
        if (c.name == "storage_key" or c.name.endswith("_key")) and isinstance(c.type, String)
    ]


def tenant_files(tenant_id: int) -> list[str]:
    """Storage keys named by the tenant's rows (uploads, attachments, imports, branding)."""
    keys: set[str] = set()
    for table in tenant_tables():
        columns = _file_columns(table)
        if not columns:
            continue
        query = select(*(table.c[name] for name in columns)).where(table.c.tenant_id == tenant_id)
        for row in db.session.execute(query):
            keys.update(value for value in row if value and valid_key(value))
    tenant = db.session.get(Tenant, tenant_id)
    if tenant is not None:
        for name in ("logo_key", "login_image_key", "favicon_key"):
            value = getattr(tenant, name)
            if value and valid_key(value):
                keys.add(value)
    lifecycle = db.session.get(TenantLifecycle, tenant_id)
    if lifecycle is not None:
        keys.discard(lifecycle.export_key)
    return sorted(keys)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def table_rows(table: Table, tenant_id: int) -> Iterator[dict[str, Any]]:
    query = select(table).where(table.c.tenant_id == tenant_id)
    for row in db.session.execute(query).mappings():
        yield {key: _jsonable(value) for key, value in row.items()}


def build_export(tenant_id: int) -> str:
    """Write the archive through storage and remember its key; returns the key."""
    tenant = db.session.get(Tenant, tenant_id)
    if tenant is None:
        raise UserError("No such tenant.", "slug")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        tenant_row = db.metadata.tables["tenants"]
        archive.writestr(
            "data/tenants.json",
            json.dumps(list(_tenant_record(tenant_row, tenant_id)), indent=1),
        )
        for table in tenant_tables():
            if table.name == TenantLifecycle.__tablename__:
                continue
            rows = list(table_rows(table, tenant_id))
            archive.writestr(f"data/{table.name}.json", json.dumps(rows, indent=1))
        for key in tenant_files(tenant_id):
            data = storage().get(key)
            if data is not None:
                archive.writestr(f"files/{key}", data)
    key = f"operations/exports/{tenant.slug}-{uuid.uuid4().hex}.zip"
    storage().put(key, buffer.getvalue())
    row = lifecycle_of(tenant)
    old = row.export_key
    row.export_key = key
    row.export_ready_at = utcnow()
    db.session.commit()
    if old:
        storage().delete(old)
    return key


def _tenant_record(table: Table, tenant_id: int) -> Iterator[dict[str, Any]]:
    query = select(table).where(table.c.id == tenant_id)
    for row in db.session.execute(query).mappings():
        yield {key: _jsonable(value) for key, value in row.items()}


def due_for_purge(now: datetime | None = None) -> list[int]:
    moment = now or utcnow()
    cutoff = moment - timedelta(days=GRACE_DAYS)
    query = (
        select(Tenant.id)
        .join(TenantLifecycle, TenantLifecycle.tenant_id == Tenant.id)
        .where(Tenant.status == DELETING, TenantLifecycle.deletion_requested_at <= cutoff)
    )
    return list(db.session.scalars(query))


def purge_tenant(tenant_id: int) -> None:
    """Remove every row of this tenant (children first) and its files; the export goes too."""
    keys = tenant_files(tenant_id)
    lifecycle = db.session.get(TenantLifecycle, tenant_id)
    if lifecycle is not None and lifecycle.export_key:
        keys.append(lifecycle.export_key)
    for table in tenant_tables():
        db.session.execute(delete(table).where(table.c.tenant_id == tenant_id))
    db.session.execute(delete(Tenant).where(Tenant.id == tenant_id))
    db.session.commit()
    forget_tenants()  # a bulk DELETE is not seen by the ORM's change hook
    for key in keys:
        storage().delete(key)


def purge_due(now: datetime | None = None) -> int:
    """The recurring job's body: purge every tenant whose grace period is over."""
    purged = 0
    for tenant_id in due_for_purge(now):
        purge_tenant(tenant_id)
        purged += 1
    return purged
