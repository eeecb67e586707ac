"""Operator resource: tenants (platform host, operator tokens), through `portal.operations`
and the same provisioning as the console: list, create with the owner's invitation, suspend
and resume with a reason, delete with the grace period, restore."""

from __future__ import annotations

from typing import Any

from flask import request

from jobs.queue import enqueue
from portal.api import operator_schemas as schemas
from portal.api.auth import current_token, parse_body
from portal.api.errors import ApiError
from portal.api.routing import operation, page_of
from portal.audit.service import Outcome, record
from portal.auth.staff import provision_tenant
from portal.core.database import after_commit
from portal.core.extensions import db
from portal.operations import deletion, suspension
from portal.operations.tenants import TenantRow, tenant_query, tenant_rows
from tenants.models import Tenant, TenantStatus

STATUSES = (TenantStatus.ACTIVE.value, TenantStatus.SUSPENDED.value, deletion.DELETING)
TAG = "tenants"


def tenant_json(row: TenantRow) -> dict[str, Any]:
    life = row.lifecycle
    return schemas.Tenant(
        id=row.tenant.id,
        slug=row.tenant.slug,
        name=row.tenant.name,
        status=row.tenant.status,
        hosts=row.hosts,
        domain_status=row.domain_status,
        email_domain_status=row.email_domain_status,
        clients=row.clients,
        contacts=row.contacts,
        active_share=row.active_share,
        mail_30d=row.mail_30d,
        suspension_reason=life.suspension_reason if life else "",
        deletion_requested_at=life.deletion_requested_at if life else None,
        purge_after=deletion.purge_after(life) if life else None,
    ).model_dump(mode="json")


def _tenant(tenant_id: int) -> Tenant:
    tenant = db.session.get(Tenant, tenant_id)
    if tenant is None:
        raise ApiError(404, "No such tenant.")
    return tenant


def _one(tenant: Tenant) -> dict[str, Any]:
    return tenant_json(tenant_rows([tenant])[0])


def _audit(event: str, tenant: Tenant, detail: str) -> None:
    record(
        event,
        tenant=tenant.id,
        principal_kind="operator_token",
        principal_id=current_token().id,
        outcome=Outcome.SUCCESS,
        detail=detail[:200],
    )


def _queue_export(tenant_id: int) -> None:
    enqueue("build_tenant_export", tenant_id)


@operation(
    "get",
    "/tenants",
    "List tenants (search by name, slug or host; filter by status)",
    schemas.TenantList,
    paged=True,
    tag=TAG,
    operator=True,
    query={
        "q": {"type": "string", "maxLength": 100},
        "status": {"type": "string", "enum": list(STATUSES)},
    },
)
def list_tenants() -> Any:
    status = request.args.get("status", "")
    if status and status not in STATUSES:
        raise ApiError(422, "Unknown status.", {"status": " | ".join(STATUSES)})
    query = tenant_query(request.args.get("q", "")[:100], status).order_by(None)
    rows, cursor = page_of(query, Tenant.id)
    return {"data": [tenant_json(r) for r in tenant_rows(list(rows))], "next_cursor": cursor}


@operation("get", "/tenants/<int:tenant_id>", "One tenant", schemas.Tenant, tag=TAG, operator=True)
def get_tenant(tenant_id: int) -> Any:
    return _one(_tenant(tenant_id))


@operation(
    "post",
    "/tenants",
    "Create a tenant and email its owner an invitation",
    schemas.Tenant,
    body=schemas.TenantCreate,
    status=201,
    tag=TAG,
    operator=True,
)
def create_tenant() -> Any:
    data = parse_body(schemas.TenantCreate)
    tenant, _link = provision_tenant(data.slug, data.name, data.owner_email)
    db.session.commit()
    _audit("tenant.created", tenant, "api")
    return _one(tenant), 201


@operation(
    "post",
    "/tenants/<int:tenant_id>/suspend",
    "Suspend a tenant (its hosts answer 404), with the reason kept",
    schemas.Tenant,
    body=schemas.Reason,
    tag=TAG,
    operator=True,
)
def suspend_tenant(tenant_id: int) -> Any:
    tenant = _tenant(tenant_id)
    data = parse_body(schemas.Reason)
    reason = suspension.suspend(tenant, data.reason)
    db.session.commit()
    _audit("tenant.suspended", tenant, reason)
    return _one(tenant)


@operation(
    "post",
    "/tenants/<int:tenant_id>/resume",
    "Resume a suspended tenant",
    schemas.Tenant,
    tag=TAG,
    operator=True,
)
def resume_tenant(tenant_id: int) -> Any:
    tenant = _tenant(tenant_id)
    reason = suspension.resume(tenant)
    db.session.commit()
    _audit("tenant.resumed", tenant, f"was suspended: {reason}")
    return _one(tenant)


@operation(
    "post",
    "/tenants/<int:tenant_id>/delete",
    "Schedule a tenant's deletion (offline now, export built, purged after the grace period)",
    schemas.Tenant,
    body=schemas.TenantDelete,
    tag=TAG,
    operator=True,
)
def delete_tenant(tenant_id: int) -> Any:
    tenant = _tenant(tenant_id)
    data = parse_body(schemas.TenantDelete)
    life = deletion.request_deletion(tenant, data.confirm, data.reason)
    after_commit(_queue_export, tenant.id)
    db.session.commit()
    _audit("tenant.deletion_requested", tenant, life.deletion_reason)
    return _one(tenant)


@operation(
    "post",
    "/tenants/<int:tenant_id>/restore",
    "Restore a tenant scheduled for deletion (within the grace period)",
    schemas.Tenant,
    tag=TAG,
    operator=True,
)
def restore_tenant(tenant_id: int) -> Any:
    tenant = _tenant(tenant_id)
    deletion.restore(tenant)
    db.session.commit()
    _audit("tenant.restored", tenant, "api")
    return _one(tenant)
