"""Document requests: staff ask, the client uploads, staff accept or reopen.

Uploads go through the Files module (its checks, limits and storage) and are tied to the
request; every change tells the other side through `notices`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from flask_babel import gettext
from sqlalchemy import Row, Select, and_, case, func, select, update
from werkzeug.datastructures import FileStorage

from portal.auth.models import StaffMember
from portal.clients.models import ClientAccount
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.waiting import ACCOUNT, TENANT, WaitingItem, run_parts, shaped
from portal.documents import links, notices
from portal.documents.models import OPEN_FOR_CLIENT, DocumentRequest, RequestStatus, RequestUpload
from portal.files.models import ClientFile, UploaderKind
from portal.files.uploads import accept_upload
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

TITLE_MAX = 200
NOTES_MAX = 5000
COMMENT_MAX = 2000
WAITING_LIMIT = 50  # the home lists at most this many; the Documents page has them all


@dataclass(frozen=True, slots=True)
class NewItem:
    title: str
    notes: str = ""
    due_date: date | None = None


@dataclass(frozen=True, slots=True)
class StaffRow:
    request: DocumentRequest
    account_name: str
    requested_by: str


def create_requests(
    tenant: TenantSnapshot, account: ClientAccount, items: list[NewItem], staff: StaffMember
) -> list[DocumentRequest]:
    """Request one or more documents from `account` and email its contacts; the caller commits.

    Raises UserError (nothing added) for an empty list, a missing title or a past due date.
    """
    today = utcnow().date()
    cleaned = [item for item in items if item.title.strip() or item.notes.strip()]
    if not cleaned:
        raise UserError("Name at least one document to request.", field="title")
    requests = []
    for item in cleaned:
        title = " ".join(item.title.split())
        if not title:
            raise UserError("Each document needs a name, for example “2025 W-2”.", field="title")
        if len(title) > TITLE_MAX or len(item.notes) > NOTES_MAX:
            raise UserError(
                f"Keep names under {TITLE_MAX} characters and notes under {NOTES_MAX}.",
                field="title",
            )
        if item.due_date is not None and item.due_date < today:
            raise UserError("A due date cannot be in the past.", field="due_date")
        request = DocumentRequest(
            tenant_id=tenant.id,
            account_id=account.id,
            title=title,
            notes=item.notes.strip(),
            due_date=item.due_date,
            status=RequestStatus.REQUESTED,
            requested_by_id=staff.id,
            review_comment="",
        )
        if item.due_date is not None and (item.due_date - today).days <= (
            tenant.document_reminder_days
        ):
            # The request email itself is the early reminder: only the due-day one remains.
            request.reminded_before_at = utcnow()
        requests.append(request)
    db.session.add_all(requests)
    db.session.flush()
    notices.announce(tenant, account, requests, notices.REQUESTED_KIND)
    return requests


def upload(
    tenant: TenantSnapshot,
    request: DocumentRequest,
    file: FileStorage,
    *,
    contact_id: int,
    by: str,
    via_link: bool = False,
) -> ClientFile:
    """Store `file` for the request (through the Files checks) and mark the request uploaded;
    raises UserError, having stored nothing, when the file is refused. The caller commits."""
    if request.status == RequestStatus.ACCEPTED:
        raise UserError("This document was already accepted: nothing more is needed.", "file")
    label = f"via link by {by}" if via_link else by
    stored = accept_upload(
        tenant,
        request.account_id,
        file,
        uploader_kind=UploaderKind.LINK if via_link else UploaderKind.CLIENT,
        uploader_id=contact_id,
        uploader_name=label,
    )
    db.session.add(
        RequestUpload(
            tenant_id=tenant.id, request_id=request.id, file_id=stored.id, uploaded_by=label
        )
    )
    request.status = RequestStatus.UPLOADED
    request.uploaded_at = utcnow()
    db.session.flush()
    notices.uploaded(tenant, request, stored, label)
    return stored


def review(
    tenant: TenantSnapshot, request: DocumentRequest, *, accept: bool, comment: str = ""
) -> None:
    """Accept the upload, or reopen the request with a comment for the client; the caller
    commits. Accepting ends the request's no-login links."""
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise UserError(f"Keep the comment under {COMMENT_MAX} characters.", field="comment")
    if accept:
        if request.status == RequestStatus.ACCEPTED:
            raise UserError("This request is already accepted.", field="comment")
        request.status = RequestStatus.ACCEPTED
        links.revoke_for_request(tenant, request.id)
    else:
        if not comment:
            raise UserError("Tell the client what is missing or needs to change.", "comment")
        request.status = RequestStatus.REOPENED
    request.review_comment = comment
    request.reviewed_at = utcnow()
    notices.reviewed(tenant, request, accept)


def reassign_staff(tenant: TenantSnapshot, from_staff_id: int, to_staff_id: int | None) -> int:
    """Requests made by a departing staff member now notify `to_staff_id` (None: nobody until
    someone takes them over). Returns how many changed; the caller commits."""
    result = db.session.execute(
        update(DocumentRequest)
        .where(
            DocumentRequest.tenant_id == tenant.id,
            DocumentRequest.requested_by_id == from_staff_id,
        )
        .values(requested_by_id=to_staff_id)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def staff_query(
    tenant: TenantSnapshot,
    *,
    status: str = "",
    account_id: int | None = None,
    overdue: bool = False,
) -> Select:
    """The staff list: requests with their account's name and the requester, open ones by due
    date first; one query whatever the number of rows."""
    query = (
        select(DocumentRequest, ClientAccount.name, StaffMember.name, StaffMember.email)
        .join(
            ClientAccount,
            and_(
                ClientAccount.tenant_id == DocumentRequest.tenant_id,
                ClientAccount.id == DocumentRequest.account_id,
            ),
        )
        .outerjoin(
            StaffMember,
            and_(
                StaffMember.tenant_id == DocumentRequest.tenant_id,
                StaffMember.id == DocumentRequest.requested_by_id,
            ),
        )
        .where(DocumentRequest.tenant_id == tenant.id)
    )
    if status in set(RequestStatus):
        query = query.where(DocumentRequest.status == status)
    if account_id is not None:
        query = query.where(DocumentRequest.account_id == account_id)
    if overdue:
        query = query.where(
            DocumentRequest.status.in_(OPEN_FOR_CLIENT),
            DocumentRequest.due_date < utcnow().date(),
        )
    return query.order_by(
        DocumentRequest.due_date.is_(None), DocumentRequest.due_date, DocumentRequest.id.desc()
    )


def staff_counts(tenant: TenantSnapshot) -> dict[str, int]:
    """For the dashboard: requests to review, waiting for clients, and overdue (one query)."""
    waiting = DocumentRequest.status.in_(OPEN_FOR_CLIENT)
    late = and_(waiting, DocumentRequest.due_date < utcnow().date())
    row = db.session.execute(
        select(
            func.coalesce(
                func.sum(case((DocumentRequest.status == RequestStatus.UPLOADED, 1), else_=0)), 0
            ),
            func.coalesce(func.sum(case((waiting, 1), else_=0)), 0),
            func.coalesce(func.sum(case((late, 1), else_=0)), 0),
        ).where(DocumentRequest.tenant_id == tenant.id)
    ).one()
    return {"to_review": int(row[0]), "waiting": int(row[1]), "overdue": int(row[2])}


def client_query(tenant: TenantSnapshot, account_id: int) -> Select:
    """The account's requests for its contacts: what waits for them first, by due date."""
    waiting = DocumentRequest.status.in_(OPEN_FOR_CLIENT)
    return owned(DocumentRequest, tenant, DocumentRequest.account_id == account_id).order_by(
        waiting.is_(False),
        DocumentRequest.due_date.is_(None),
        DocumentRequest.due_date,
        DocumentRequest.id.desc(),
    )


def uploads_of(tenant: TenantSnapshot, request_id: int) -> list[tuple[RequestUpload, ClientFile]]:
    """The files that arrived for a request, newest first (trashed files left out)."""
    rows = db.session.execute(
        select(RequestUpload, ClientFile)
        .join(
            ClientFile,
            and_(
                ClientFile.tenant_id == RequestUpload.tenant_id,
                ClientFile.id == RequestUpload.file_id,
            ),
        )
        .where(
            RequestUpload.tenant_id == tenant.id,
            RequestUpload.request_id == request_id,
            ClientFile.deleted_at.is_(None),
        )
        .order_by(RequestUpload.id.desc())
        .limit(200)
    ).all()
    return [(row[0], row[1]) for row in rows]


def items_for_client(tenant: TenantSnapshot, account_id: int, contact_id: int) -> list[WaitingItem]:
    """The account's document requests waiting for the client, for the home's "Waiting for
    you" list (one query; the home runs `waiting_part` with the other modules' parts)."""
    rows = run_parts({"document": waiting_part()}, tenant.id, account_id)
    return waiting_items(rows["document"])


@functools.cache
def waiting_part() -> Select[Any]:
    """The open requests, dated first, as rows of the shared "waiting" shape."""
    return (
        select(
            *shaped(
                "document",
                id=DocumentRequest.id,
                title=DocumentRequest.title,
                note=DocumentRequest.review_comment,
                state=DocumentRequest.status,
                since=func.coalesce(DocumentRequest.reviewed_at, DocumentRequest.created_at),
                due=DocumentRequest.due_date,
            )
        )
        .where(
            DocumentRequest.tenant_id == TENANT,
            DocumentRequest.account_id == ACCOUNT,
            DocumentRequest.status.in_(OPEN_FOR_CLIENT),
        )
        .order_by(DocumentRequest.due_date.is_(None), DocumentRequest.due_date)
        .limit(WAITING_LIMIT)
    )


def waiting_items(rows: Sequence[Row[Any]]) -> list[WaitingItem]:
    return [
        WaitingItem(
            kind="document",
            title=row.title,
            detail=(
                gettext("Changes requested: %(comment)s", comment=row.note)
                if row.state == RequestStatus.REOPENED
                else gettext("Document requested")
            ),
            url=notices.request_path(row.id),
            action=gettext("Upload"),
            since=row.since,
            due=_as_datetime(row.due),
        )
        for row in sorted(rows, key=lambda row: (row.due is None, row.due or date.min))
    ]


def _as_datetime(day: date | None) -> datetime | None:
    """WaitingItem sorts on datetimes: a due date is due at the start of its day."""
    return datetime.combine(day, time()) if day is not None else None
