"""Client requests ("Make a request"), the firm's request types and its services.

A request is a thread with a type, a status and optionally a service: replies land in its
thread, and who is assigned is the thread's assignee.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext, lazy_gettext
from sqlalchemy import Select, and_, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.auth.models import StaffMember
from portal.clients.models import ClientAccount
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.messaging.models import (
    STATUS_LABELS,
    ClientRequest,
    RequestStatus,
    RequestType,
    Service,
    Side,
    Thread,
)
from portal.messaging.threads import (
    Person,
    client_recipients,
    group_key,
    staff_recipients,
    start_thread,
)
from portal.modules.service import is_enabled
from portal.notifications.service import Event, notify
from portal.webhooks.service import emit
from tenants.scoping import get_owned, owned
from tenants.snapshot import TenantSnapshot

DEFAULT_TYPES = ("Information", "Service", "Document")
TYPE_NAME_MAX = 100
SERVICE_NAME_MAX = 150
SERVICE_DESCRIPTION_MAX = 500


@dataclass(frozen=True, slots=True)
class RequestRow:
    request: ClientRequest
    type_name: str
    account_name: str
    service_name: str | None
    assigned_name: str | None
    assigned_staff_id: int | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(RequestStatus(self.request.status), self.request.status)


def status_label(status: str) -> str:
    return STATUS_LABELS.get(RequestStatus(status), status)


# --- types and services ------------------------------------------------------------------------


def request_types(tenant: TenantSnapshot | int) -> list[RequestType]:
    """The firm's active request types; the default set is created on first use."""
    query = owned(RequestType, tenant).order_by(RequestType.name)
    types = list(db.session.scalars(query))
    if types:
        return [t for t in types if t.archived_at is None]
    tenant_id = tenant if isinstance(tenant, int) else tenant.id
    # Two first uses at once: the loser's rows are skipped by the unique (tenant, name), without
    # a savepoint (its release would run the session's after-commit work early).
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(RequestType)
        .values(
            [
                {"tenant_id": tenant_id, "name": name, "created_at": utcnow()}
                for name in DEFAULT_TYPES
            ]
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "name"])
    )
    return [t for t in db.session.scalars(query) if t.archived_at is None]


def add_type(tenant: TenantSnapshot, name: str) -> RequestType:
    name = " ".join((name or "").split())
    if not name:
        raise UserError("Enter a name for the request type.", field="name")
    if len(name) > TYPE_NAME_MAX:
        raise UserError(f"The name is too long ({TYPE_NAME_MAX} characters at most).", "name")
    request_types(tenant)
    existing = db.session.scalar(owned(RequestType, tenant, RequestType.name == name))
    if existing is not None:
        if existing.archived_at is None:
            raise UserError(f"There is already a request type called {name}.", field="name")
        existing.archived_at = None
        return existing
    row = RequestType(tenant_id=tenant.id, name=name)
    db.session.add(row)
    db.session.flush()
    return row


def archive_type(tenant: TenantSnapshot, type_id: int) -> RequestType | None:
    """Hide a type from new requests; requests made with it keep it."""
    row = get_owned(RequestType, tenant, type_id)
    if row is None:
        return None
    if len(request_types(tenant)) <= 1 and row.archived_at is None:
        raise UserError("Keep at least one request type.", field="name")
    row.archived_at = utcnow()
    return row


def services(tenant: TenantSnapshot | int) -> list[Service]:
    query = owned(Service, tenant, Service.archived_at.is_(None)).order_by(Service.name)
    return list(db.session.scalars(query))


def add_service(tenant: TenantSnapshot, name: str, description: str) -> Service:
    name = " ".join((name or "").split())
    description = (description or "").strip()
    if not name:
        raise UserError("Enter the name of the service.", field="name")
    if len(name) > SERVICE_NAME_MAX:
        raise UserError(f"The name is too long ({SERVICE_NAME_MAX} characters at most).", "name")
    if len(description) > SERVICE_DESCRIPTION_MAX:
        raise UserError(
            f"The description is too long ({SERVICE_DESCRIPTION_MAX} characters at most).",
            "description",
        )
    row = Service(tenant_id=tenant.id, name=name, description=description)
    db.session.add(row)
    db.session.flush()
    return row


def archive_service(tenant: TenantSnapshot, service_id: int) -> Service | None:
    row = get_owned(Service, tenant, service_id)
    if row is not None:
        row.archived_at = utcnow()
    return row


# --- requests ---------------------------------------------------------------------------------


def make_request(
    tenant: TenantSnapshot,
    account_id: int,
    author: Person,
    *,
    type_id: int | None,
    subject: str,
    details: str,
    service_id: int | None = None,
    attachments: Sequence[tuple[int, str, int]] = (),
) -> ClientRequest:
    """A client's new request: its thread opens with the details; staff are told. The caller
    commits."""
    kind = get_owned(RequestType, tenant, type_id)
    if kind is None or kind.archived_at is not None:
        raise UserError(gettext("Choose what kind of request this is."), field="type_id")
    service = None
    if service_id is not None:
        service = get_owned(Service, tenant, service_id)
        if service is None or service.archived_at is not None:
            raise UserError(gettext("Choose one of the services in the list."), field="service_id")
    body = details.strip() or subject
    thread, _ = start_thread(
        tenant, account_id, author, subject, body, attachments=attachments, notify_others=False
    )
    row = ClientRequest(
        tenant_id=tenant.id,
        account_id=account_id,
        thread_id=thread.id,
        type_id=kind.id,
        service_id=service.id if service else None,
        subject=thread.subject,
        details=details.strip(),
        created_by_contact_id=author.id if author.side == Side.CLIENT else None,
    )
    db.session.add(row)
    db.session.flush()
    emit(
        tenant,
        "request.created",
        {"request_id": row.id, "account_id": account_id, "subject": row.subject},
    )
    about = f"{kind.name}" + (f" · {service.name}" if service else "")
    notify(
        tenant,
        staff_recipients(tenant, thread.assigned_staff_id),
        Event(
            kind="request.new",
            title=f"New request from {author.name}: {thread.subject}"[:200],
            body=f"{about}\n{body}",
            path=f"/admin/requests/{row.id}",
            group_key=group_key(thread),
            account_id=account_id,
        ),
    )
    return row


def get_request(tenant: TenantSnapshot | int, request_id: int) -> ClientRequest | None:
    return get_owned(ClientRequest, tenant, request_id)


def request_for_account(
    tenant: TenantSnapshot, request_id: int, account_id: int
) -> ClientRequest | None:
    row = get_request(tenant, request_id)
    return row if row is not None and row.account_id == account_id else None


def set_status(tenant: TenantSnapshot, row: ClientRequest, status: str, staff: Person) -> bool:
    """Change the status and tell the client; False when it already had that status."""
    try:
        new = RequestStatus(status)
    except ValueError:
        raise UserError("Choose a status from the list.", field="status") from None
    if row.status == new:
        return False
    row.status = new
    row.status_changed_at = utcnow()
    if is_enabled(tenant.id, "requests"):
        notify(
            tenant,
            client_recipients(tenant, row.account_id),
            Event(
                kind="request.status",
                title=lazy_gettext(
                    "Your request “%(subject)s” is now: %(status)s",
                    subject=row.subject,
                    status=lazy_gettext(new.label),
                ),
                body=lazy_gettext(
                    "%(name)s changed the status to %(status)s.",
                    name=staff.name or tenant.name,
                    status=lazy_gettext(new.label),
                ),
                path=f"/requests/{row.id}",
                group_key=f"thread:{row.thread_id}",
                account_id=row.account_id,
            ),
        )
    return True


def request_rows_query(
    tenant: TenantSnapshot | int,
    *,
    account_id: int | None = None,
    status: str = "",
    type_id: int | None = None,
    assigned_to: int | None = None,
    unassigned: bool = False,
) -> Select[Any]:
    """Requests newest first with type, account, service and assignee: one statement a page."""
    columns: list[Any] = [
        ClientRequest,
        RequestType.name,
        ClientAccount.name,
        Service.name,
        func.coalesce(StaffMember.name, StaffMember.email),
        Thread.assigned_staff_id,
    ]
    query = (
        select(*columns)
        .join(
            RequestType,
            and_(
                RequestType.tenant_id == ClientRequest.tenant_id,
                RequestType.id == ClientRequest.type_id,
            ),
        )
        .join(
            ClientAccount,
            and_(
                ClientAccount.tenant_id == ClientRequest.tenant_id,
                ClientAccount.id == ClientRequest.account_id,
            ),
        )
        .join(
            Thread,
            and_(Thread.tenant_id == ClientRequest.tenant_id, Thread.id == ClientRequest.thread_id),
        )
        .outerjoin(
            Service,
            and_(
                Service.tenant_id == ClientRequest.tenant_id, Service.id == ClientRequest.service_id
            ),
        )
        .outerjoin(
            StaffMember,
            and_(
                StaffMember.tenant_id == Thread.tenant_id,
                StaffMember.id == Thread.assigned_staff_id,
            ),
        )
        .where(ClientRequest.tenant_id == (tenant if isinstance(tenant, int) else tenant.id))
    )
    if account_id is not None:
        query = query.where(ClientRequest.account_id == account_id)
    if status in {s.value for s in RequestStatus}:
        query = query.where(ClientRequest.status == status)
    if type_id is not None:
        query = query.where(ClientRequest.type_id == type_id)
    if assigned_to is not None:
        query = query.where(Thread.assigned_staff_id == assigned_to)
    if unassigned:
        query = query.where(Thread.assigned_staff_id.is_(None))
    return query.order_by(ClientRequest.created_at.desc(), ClientRequest.id.desc())


def to_rows(rows: Sequence[Any]) -> list[RequestRow]:
    return [RequestRow(*row) for row in rows]


def status_counts(tenant: TenantSnapshot | int, account_id: int | None = None) -> dict[str, int]:
    """How many requests are in each status (one grouped query)."""
    query = (
        select(ClientRequest.status, func.count(ClientRequest.id))
        .where(ClientRequest.tenant_id == (tenant if isinstance(tenant, int) else tenant.id))
        .group_by(ClientRequest.status)
    )
    if account_id is not None:
        query = query.where(ClientRequest.account_id == account_id)
    counts = {status.value: 0 for status in RequestStatus}
    counts.update({status: count for status, count in db.session.execute(query).all()})
    return counts


def waiting_requests(tenant: TenantSnapshot | int, account_id: int) -> list[ClientRequest]:
    """The account's requests waiting on the client, newest change first."""
    query = owned(
        ClientRequest,
        tenant,
        ClientRequest.account_id == account_id,
        ClientRequest.status == RequestStatus.WAITING,
    ).order_by(ClientRequest.status_changed_at.desc())
    return list(db.session.scalars(query.limit(20)))
