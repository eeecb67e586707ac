"""One account's engagement history: every module's own rows read as events, merged into one
list by a single `UNION ALL` query ordered on (time, kind, id), so a page costs one query
whatever it shows. Nothing is stored here: the history is always what the modules hold now.

Each source is a small select giving the same columns (`Event`). The client's view leaves out
what the client never sees (internal files, draft invoices, hidden community posts); the
staff view shows them too.

Known limit: requests keep only their current status and when it last changed, so a request
shows its creation and its latest status change, not every change in between.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Select, String, Text, and_, cast, func, literal, null, select
from sqlalchemy.sql.elements import ColumnElement

from portal.billing.models import Invoice, InvoiceStatus
from portal.clients.models import AccountContact, Contact, Invitation
from portal.community.models import Group, Post
from portal.courses.models import Course, Lesson, LessonProgress
from portal.documents.models import DocumentRequest
from portal.files.models import ClientFile
from portal.messaging.models import ClientRequest, Message, Thread
from portal.payments.models import Payment
from tenants.scoping import tenant_id_of
from tenants.snapshot import TenantSnapshot

EXCERPT = 160


class Kind(enum.StrEnum):
    INVITATION = "invitation"
    MESSAGE = "message"
    REQUEST = "request"
    FILE = "file"
    DOCUMENT = "document"
    INVOICE = "invoice"
    PAYMENT = "payment"
    COURSE = "course"
    COMMUNITY = "community"


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the timeline. `action` says what happened to the item (created, sent,
    status changed…); `detail` is a short excerpt or a status value."""

    at: datetime
    kind: str
    item_id: int
    action: str
    title: str
    detail: str
    actor: str
    amount_minor: int | None
    currency: str


Source = Callable[[int, int, bool], Select[Any]]


def _text(value: Any) -> ColumnElement[str]:
    return cast(value, String)


def _row(
    at: Any,
    kind: Kind,
    item_id: Any,
    action: str | ColumnElement[str],
    title: Any,
    detail: Any = "",
    actor: Any = "",
    amount: Any = None,
    currency: Any = "",
) -> list[ColumnElement[Any]]:
    """The columns every source selects, typed alike so both databases accept the union."""
    return [
        at.label("at"),
        _text(literal(kind.value)).label("kind"),
        item_id.label("item_id"),
        _text(literal(action) if isinstance(action, str) else action).label("action"),
        _text(title).label("title"),
        _text(literal(detail) if isinstance(detail, str) else detail).label("detail"),
        _text(literal(actor) if isinstance(actor, str) else actor).label("actor"),
        cast(null() if amount is None else amount, BigInteger).label("amount_minor"),
        _text(literal(currency) if isinstance(currency, str) else currency).label("currency"),
    ]


def _excerpt(column: Any) -> ColumnElement[str]:
    return func.substr(cast(column, Text), 1, EXCERPT)


def _invitations(tenant_id: int, account_id: int, staff: bool) -> Select[Any]:
    return (
        select(
            *_row(
                Invitation.accepted_at,
                Kind.INVITATION,
                Invitation.id,
                "accepted",
                func.coalesce(func.nullif(Contact.name, ""), Contact.email),
            )
        )
        .join(
            AccountContact,
            and_(
                AccountContact.tenant_id == Invitation.tenant_id,
                AccountContact.contact_id == Invitation.contact_id,
            ),
        )
        .join(
            Contact,
            and_(Contact.tenant_id == Invitation.tenant_id, Contact.id == Invitation.contact_id),
        )
        .where(
            Invitation.tenant_id == tenant_id,
            AccountContact.account_id == account_id,
            Invitation.accepted_at.is_not(None),
        )
    )


def _messages(tenant_id: int, account_id: int, staff: bool) -> Select[Any]:
    return (
        select(
            *_row(
                Message.created_at,
                Kind.MESSAGE,
                Message.id,
                "sent",
                Thread.subject,
                _excerpt(Message.body),
                Message.author_name,
            )
        )
        .join(Thread, and_(Thread.tenant_id == Message.tenant_id, Thread.id == Message.thread_id))
        .where(Message.tenant_id == tenant_id, Thread.account_id == account_id)
    )


def _requests(tenant_id: int, account_id: int, staff: bool) -> Select[Any]:
    return select(
        *_row(
            ClientRequest.created_at,
            Kind.REQUEST,
            ClientRequest.id,
            "created",
            ClientRequest.subject,
        )
    ).where(ClientRequest.tenant_id == tenant_id, ClientRequest.account_id == account_id)


def _request_statuses(tenant_id: int, account_id: int, staff: bool) -> Select[Any]:
    return select(
        *_row(
            ClientRequest.status_changed_at,
            Kind.REQUEST,
            ClientRequest.id,
            "status",
            ClientRequest.subject,
            ClientRequest.status,
        )
    ).where(
        ClientRequest.tenant_id == tenant_id,
        ClientRequest.account_id == account_id,
        ClientRequest.status_changed_at > ClientRequest.created_at,
    )


def _files(tenant_id: int, account_id: int, staff: bool) -> Select[Any]:
    query = select(
        *_row(
            ClientFile.created_at,
            Kind.FILE,
            ClientFile.id,
            "shared",
            ClientFile.name,
            actor=ClientFile.uploaded_by_name,
        )
    ).where(
        ClientFile.tenant_id == tenant_id,
        ClientFile.account_id == account_id,
        ClientFile.deleted_at.is_(None),
    )
    return query if staff else query.where(ClientFile.internal.is_(False))


def _document_events(column: Any, action: str, detail: Any = "") -> Source:
    def source(tenant_id: int, account_id: int, staff: bool) -> Select[Any]:
        return select(
            *_row(
                column, Kind.DOCUMENT, DocumentRequest.id, action, DocumentRequest.title, detail
            )  # fmt: skip
        ).where(
            DocumentRequest.tenant_id == tenant_id,
            DocumentRequest.account_id == account_id,
            column.is_not(None),
        )

    return source


def _invoices(tenant_id: int, account_id: int, staff: bool) -> Select[Any]:
    return select(
        *_row(
            Invoice.sent_at,
            Kind.INVOICE,
            Invoice.id,
            "sent",
            Invoice.number,
            Invoice.status,
            amount=Invoice.total_minor,
            currency=Invoice.currency,
        )
    ).where(
        Invoice.tenant_id == tenant_id,
        Invoice.account_id == account_id,
        Invoice.sent_at.is_not(None),
    )


def _draft_invoices(tenant_id: int, account_id: int, staff: bool) -> Select[Any]:
    """Staff only: invoices the client has not been sent yet."""
    return select(
        *_row(
            Invoice.created_at,
            Kind.INVOICE,
            Invoice.id,
            "drafted",
            func.coalesce(func.nullif(Invoice.number, ""), "Draft"),
            amount=Invoice.total_minor,
            currency=Invoice.currency,
        )
    ).where(
        Invoice.tenant_id == tenant_id,
        Invoice.account_id == account_id,
        Invoice.status == InvoiceStatus.DRAFT,
    )


def _payments(tenant_id: int, account_id: int, staff: bool) -> Select[Any]:
    return select(
        *_row(
            Payment.created_at,
            Kind.PAYMENT,
            Payment.id,
            "received",
            Payment.reference,
            Payment.method,
            amount=Payment.amount_minor,
            currency=Payment.currency,
        )
    ).where(Payment.tenant_id == tenant_id, Payment.account_id == account_id)


def _lessons(tenant_id: int, account_id: int, staff: bool) -> Select[Any]:
    """Lessons the account's contacts completed (progress is per person, not per account)."""
    return (
        select(
            *_row(
                LessonProgress.completed_at,
                Kind.COURSE,
                LessonProgress.lesson_id,
                "completed",
                Lesson.title,
                Course.title,
                func.coalesce(func.nullif(Contact.name, ""), Contact.email),
            )
        )
        .join(
            AccountContact,
            and_(
                AccountContact.tenant_id == LessonProgress.tenant_id,
                AccountContact.contact_id == LessonProgress.contact_id,
            ),
        )
        .join(
            Contact,
            and_(
                Contact.tenant_id == LessonProgress.tenant_id,
                Contact.id == LessonProgress.contact_id,
            ),
        )
        .join(
            Lesson,
            and_(
                Lesson.tenant_id == LessonProgress.tenant_id,
                Lesson.id == LessonProgress.lesson_id,
            ),
        )
        .join(Course, and_(Course.tenant_id == Lesson.tenant_id, Course.id == Lesson.course_id))
        .where(
            LessonProgress.tenant_id == tenant_id,
            AccountContact.account_id == account_id,
            LessonProgress.completed_at.is_not(None),
        )
    )


def _posts(tenant_id: int, account_id: int, staff: bool) -> Select[Any]:
    query = (
        select(
            *_row(
                Post.created_at,
                Kind.COMMUNITY,
                Post.id,
                "posted",
                Group.name,
                _excerpt(Post.body),
                Post.author_name,
            )
        )
        .join(Group, and_(Group.tenant_id == Post.tenant_id, Group.id == Post.group_id))
        .where(
            Post.tenant_id == tenant_id,
            Post.account_id == account_id,
            Post.removed_at.is_(None),
        )
    )
    return query if staff else query.where(Post.hidden_at.is_(None))


SOURCES: dict[Kind, tuple[Source, ...]] = {
    Kind.INVITATION: (_invitations,),
    Kind.MESSAGE: (_messages,),
    Kind.REQUEST: (_requests, _request_statuses),
    Kind.FILE: (_files,),
    Kind.DOCUMENT: (
        _document_events(DocumentRequest.created_at, "requested"),
        _document_events(DocumentRequest.uploaded_at, "uploaded"),
        _document_events(DocumentRequest.reviewed_at, "reviewed", DocumentRequest.status),
    ),
    Kind.INVOICE: (_invoices,),
    Kind.PAYMENT: (_payments,),
    Kind.COURSE: (_lessons,),
    Kind.COMMUNITY: (_posts,),
}
STAFF_ONLY: dict[Kind, tuple[Source, ...]] = {Kind.INVOICE: (_draft_invoices,)}


def parse_kind(raw: str | None) -> Kind | None:
    """The `kind` filter from the URL; anything unknown means every kind (never an error)."""
    try:
        return Kind(raw) if raw else None
    except ValueError:
        return None


# The portal module each kind belongs to: a module the firm switched off leaves the client's
# history too. Invitations and document requests belong to no switchable module.
MODULE_OF: dict[Kind, str] = {
    Kind.MESSAGE: "messages",
    Kind.REQUEST: "requests",
    Kind.FILE: "files",
    Kind.INVOICE: "invoices",
    Kind.PAYMENT: "invoices",
    Kind.COURSE: "courses",
    Kind.COMMUNITY: "community",
}


def visible_kinds(module_enabled: Callable[[str], bool]) -> list[Kind]:
    """The kinds whose module is on (`module_enabled(key)`), in display order."""
    return [k for k in Kind if k not in MODULE_OF or module_enabled(MODULE_OF[k])]


def timeline_query(
    tenant: TenantSnapshot | int,
    account_id: int,
    *,
    kind: Kind | None = None,
    staff: bool = False,
    allowed: list[Kind] | None = None,
) -> Select[Any]:
    """The account's events of the `allowed` kinds (all by default), or of one `kind`, newest
    first with a stable order for ties; the caller paginates (one query per page)."""
    tenant_id = tenant_id_of(tenant)
    allowed = list(Kind) if allowed is None else allowed
    kinds = [kind] if kind in allowed else allowed
    if not kinds:
        kinds = [Kind.INVITATION]  # never an empty union
    parts = [
        source(tenant_id, account_id, staff)
        for k in kinds
        for source in SOURCES[k] + (STAFF_ONLY.get(k, ()) if staff else ())
    ]
    merged = parts[0].union_all(*parts[1:]) if len(parts) > 1 else parts[0]
    events = merged.subquery("events")
    return select(*events.c).order_by(
        events.c.at.desc(), events.c.kind, events.c.item_id.desc(), events.c.action
    )


def as_events(rows: list[Any]) -> list[Event]:
    return [
        Event(
            at=row.at,
            kind=row.kind,
            item_id=row.item_id,
            action=row.action,
            title=row.title or "",
            detail=row.detail or "",
            actor=row.actor or "",
            amount_minor=row.amount_minor,
            currency=row.currency or "",
        )
        for row in rows
    ]
