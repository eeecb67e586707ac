"""Threads and messages: start, post, read, list, assign; the unread counts of both sides.

A message is saved first and its notifications are written in the same transaction (H1's
pipeline sends them after the commit), so a failed email never loses a message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext, lazy_gettext
from sqlalchemy import Select, and_, case, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.auth.models import StaffMember
from portal.auth.principals import PrincipalKind
from portal.clients.models import AccountContact, ClientAccount
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.messaging.models import (
    BODY_MAX,
    SUBJECT_MAX,
    ClientRequest,
    Message,
    MessageAttachment,
    ReadState,
    Side,
    Thread,
)
from portal.modules.service import is_enabled
from portal.notifications.service import Event, Recipient, mark_viewing, notify
from portal.webhooks.service import emit
from tenants.scoping import get_owned, owned
from tenants.snapshot import TenantSnapshot

PAGE_MESSAGES = 30


@dataclass(frozen=True, slots=True)
class Person:
    """Who acts: a client contact or a staff member, with the name shown on their messages."""

    side: Side
    id: int | None
    name: str = ""

    @property
    def recipient(self) -> Recipient:
        return Recipient(self.side.value, self.id or 0)


@dataclass(frozen=True, slots=True)
class ThreadRow:
    thread: Thread
    account_name: str
    unread: bool
    request_id: int | None
    assigned_name: str | None


def group_key(thread: Thread) -> str:
    return f"thread:{thread.id}"


def clean_subject(raw: str | None) -> str:
    subject = " ".join((raw or "").split())
    if not subject:
        raise UserError(gettext("Enter a subject."), field="subject")
    if len(subject) > SUBJECT_MAX:
        raise UserError(
            gettext("The subject is too long (%(max)d characters at most).", max=SUBJECT_MAX),
            "subject",
        )
    return subject


def clean_body(raw: str | None, *, required: bool = True) -> str:
    body = (raw or "").replace("\r\n", "\n").strip()
    if required and not body:
        raise UserError(gettext("Write a message."), field="body")
    if len(body) > BODY_MAX:
        raise UserError(
            gettext(
                "The message is too long (%(length)s characters; %(max)s at most).",
                length=f"{len(body):,}",
                max=f"{BODY_MAX:,}",
            ),
            "body",
        )
    return body


def get_thread(tenant: TenantSnapshot | int, thread_id: int) -> Thread | None:
    return get_owned(Thread, tenant, thread_id)


def thread_for_account(tenant: TenantSnapshot, thread_id: int, account_id: int) -> Thread | None:
    """The thread if it belongs to the client's current account (another account's: None)."""
    thread = get_thread(tenant, thread_id)
    return thread if thread is not None and thread.account_id == account_id else None


def start_thread(
    tenant: TenantSnapshot,
    account_id: int,
    author: Person,
    subject: str,
    body: str,
    *,
    attachments: Sequence[tuple[int, str, int]] = (),
    notify_others: bool = True,
) -> tuple[Thread, Message]:
    """A new conversation with its first message; the caller commits."""
    subject = clean_subject(subject)
    body = clean_body(body, required=not attachments)
    thread = Thread(
        tenant_id=tenant.id,
        account_id=account_id,
        subject=subject,
        created_by_kind=author.side.value,
        created_by_id=author.id,
    )
    db.session.add(thread)
    db.session.flush()
    message = post_message(
        tenant, thread, author, body, attachments=attachments, notify_others=notify_others
    )
    return thread, message


def post_message(
    tenant: TenantSnapshot,
    thread: Thread,
    author: Person,
    body: str,
    *,
    attachments: Sequence[tuple[int, str, int]] = (),
    notify_others: bool = True,
) -> Message:
    """Save one message (with attachments: file id, name, size), move the thread to the top,
    mark it read for its author and notify the other side; the caller commits."""
    body = clean_body(body, required=not attachments)
    now = utcnow()
    message = Message(
        tenant_id=tenant.id,
        thread_id=thread.id,
        author_kind=author.side.value,
        author_id=author.id,
        author_name=author.name[:200],
        body=body,
        created_at=now,
    )
    db.session.add(message)
    db.session.flush()
    db.session.add_all(
        MessageAttachment(
            tenant_id=tenant.id, message_id=message.id, file_id=file_id, name=name[:255], size=size
        )
        for file_id, name, size in attachments
    )
    thread.last_message_at = now
    if author.side == Side.CLIENT:
        thread.last_client_message_id = message.id
    else:
        thread.last_staff_message_id = message.id
    if author.id is not None:
        mark_read(tenant, thread, author, message.id)
    if notify_others:
        _notify_new_message(tenant, thread, author, body or "(attachment)")
    emit(
        tenant,
        "message.created",
        {"message_id": message.id, "thread_id": thread.id, "account_id": thread.account_id},
    )
    return message


def _notify_new_message(tenant: TenantSnapshot, thread: Thread, author: Person, text: str) -> None:
    request_id = db.session.scalar(
        owned(ClientRequest, tenant, ClientRequest.thread_id == thread.id).with_only_columns(
            ClientRequest.id
        )
    )
    if author.side == Side.CLIENT:
        recipients = staff_recipients(tenant, thread.assigned_staff_id)
        path = f"/admin/requests/{request_id}" if request_id else f"/admin/inbox/{thread.id}"
    else:
        module = "requests" if request_id else "messages"
        if not is_enabled(tenant.id, module):
            return
        recipients = client_recipients(tenant, thread.account_id)
        path = f"/requests/{request_id}" if request_id else f"/messages/{thread.id}"
    sender = author.name or tenant.portal_name or tenant.name
    notify(
        tenant,
        [r for r in recipients if r != author.recipient],
        Event(
            kind="message.new",
            title=lazy_gettext(
                "New message from %(sender)s: %(subject)s", sender=sender, subject=thread.subject
            ),
            body=text,
            path=path,
            group_key=group_key(thread),
            account_id=thread.account_id,
        ),
    )


def staff_recipients(
    tenant: TenantSnapshot | int, assigned_staff_id: int | None
) -> list[Recipient]:
    """The assigned staff member, or every active staff member when nobody is assigned."""
    if assigned_staff_id is not None:
        return [Recipient(PrincipalKind.STAFF.value, assigned_staff_id)]
    ids = db.session.scalars(
        owned(StaffMember, tenant, StaffMember.disabled_at.is_(None)).with_only_columns(
            StaffMember.id
        )
    )
    return [Recipient(PrincipalKind.STAFF.value, i) for i in ids]


def client_recipients(tenant: TenantSnapshot | int, account_id: int) -> list[Recipient]:
    """The account's contacts with portal access."""
    ids = db.session.scalars(
        owned(
            AccountContact,
            tenant,
            AccountContact.account_id == account_id,
            AccountContact.login_enabled.is_(True),
        ).with_only_columns(AccountContact.contact_id)
    )
    return [Recipient(PrincipalKind.CLIENT.value, i) for i in ids]


def mark_read(
    tenant: TenantSnapshot | int, thread: Thread, reader: Person, message_id: int
) -> None:
    """Move the reader's pointer forward (never back) to `message_id`: one upsert, so two tabs
    opening a thread at the same moment both succeed."""
    if reader.id is None:
        return
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(ReadState).values(
        tenant_id=thread.tenant_id,
        thread_id=thread.id,
        reader_kind=reader.side.value,
        reader_id=reader.id,
        last_read_message_id=message_id,
        read_at=utcnow(),
    )
    newer = statement.excluded.last_read_message_id > ReadState.last_read_message_id
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id", "thread_id", "reader_kind", "reader_id"],
            set_={
                "last_read_message_id": case(
                    (newer, statement.excluded.last_read_message_id),
                    else_=ReadState.last_read_message_id,
                ),
                "read_at": case((newer, statement.excluded.read_at), else_=ReadState.read_at),
            },
        )
    )


def viewing(tenant: TenantSnapshot, thread: Thread, reader: Person) -> None:
    """The reader has the thread open: mark it read and hold back emails for it."""
    newest = max(thread.last_client_message_id or 0, thread.last_staff_message_id or 0)
    if newest:
        mark_read(tenant, thread, reader, newest)
    mark_viewing(tenant, reader.recipient, group_key(thread))


def messages_page(
    tenant: TenantSnapshot | int,
    thread: Thread,
    *,
    after: int | None = None,
    before: int | None = None,
    limit: int = PAGE_MESSAGES,
) -> tuple[list[Message], dict[int, list[MessageAttachment]], bool]:
    """Messages in time order with their attachments, and whether earlier ones exist.

    Without `after`: the newest `limit` (before the `before` cursor, for "earlier messages").
    With `after`: everything newer than that id (the live poll), at most `limit`.
    """
    criteria: list[Any] = [Message.thread_id == thread.id]
    if after is not None:
        criteria.append(Message.id > after)
        query = owned(Message, tenant, *criteria).order_by(Message.id).limit(limit)
        messages = list(db.session.scalars(query))
        more = False
    else:
        if before is not None:
            criteria.append(Message.id < before)
        query = owned(Message, tenant, *criteria).order_by(Message.id.desc()).limit(limit + 1)
        newest_first = list(db.session.scalars(query))
        more = len(newest_first) > limit
        messages = list(reversed(newest_first[:limit]))
    return messages, attachments_of(tenant, [m.id for m in messages]), more


def attachments_of(
    tenant: TenantSnapshot | int, message_ids: list[int]
) -> dict[int, list[MessageAttachment]]:
    found: dict[int, list[MessageAttachment]] = {}
    if not message_ids:
        return found
    query = owned(MessageAttachment, tenant, MessageAttachment.message_id.in_(message_ids))
    for attachment in db.session.scalars(query.order_by(MessageAttachment.id)):
        found.setdefault(attachment.message_id, []).append(attachment)
    return found


def get_attachment(
    tenant: TenantSnapshot | int, thread: Thread, attachment_id: int
) -> MessageAttachment | None:
    """The attachment if it belongs to a message of this thread."""
    attachment = get_owned(MessageAttachment, tenant, attachment_id)
    if attachment is None:
        return None
    message = get_owned(Message, tenant, attachment.message_id)
    return attachment if message is not None and message.thread_id == thread.id else None


def _unread_condition(reader: Person) -> Any:
    """Messages from the other side newer than the reader's pointer (none read: any)."""
    other = (
        Thread.last_staff_message_id
        if reader.side == Side.CLIENT
        else Thread.last_client_message_id
    )
    return and_(other.is_not(None), other > func.coalesce(ReadState.last_read_message_id, 0))


def _with_read_state(query: Select[Any], reader: Person) -> Select[Any]:
    return query.outerjoin(
        ReadState,
        and_(
            ReadState.tenant_id == Thread.tenant_id,
            ReadState.thread_id == Thread.id,
            ReadState.reader_kind == reader.side.value,
            ReadState.reader_id == (reader.id or 0),
        ),
    )


def thread_rows_query(
    tenant: TenantSnapshot | int,
    reader: Person,
    *,
    account_id: int | None = None,
    unread_only: bool = False,
    assigned_to: int | None = None,
    account_search: str = "",
) -> Select[Any]:
    """Threads newest first with their account name, the reader's unread flag, the linked
    request and the assignee's name: one statement for a whole page."""
    unread = _unread_condition(reader)
    query = _with_read_state(
        select(
            Thread,
            ClientAccount.name,
            unread.label("unread"),
            ClientRequest.id,
            func.coalesce(StaffMember.name, StaffMember.email),
        )
        .join(
            ClientAccount,
            and_(
                ClientAccount.tenant_id == Thread.tenant_id, ClientAccount.id == Thread.account_id
            ),
        )
        .outerjoin(
            ClientRequest,
            and_(
                ClientRequest.tenant_id == Thread.tenant_id,
                ClientRequest.thread_id == Thread.id,
            ),
        )
        .outerjoin(
            StaffMember,
            and_(
                StaffMember.tenant_id == Thread.tenant_id,
                StaffMember.id == Thread.assigned_staff_id,
            ),
        ),
        reader,
    ).where(Thread.tenant_id == (tenant if isinstance(tenant, int) else tenant.id))
    if account_id is not None:
        query = query.where(Thread.account_id == account_id)
    if unread_only:
        query = query.where(unread)
    if assigned_to is not None:
        query = query.where(Thread.assigned_staff_id == assigned_to)
    if account_search:
        pattern = f"%{account_search.lower()}%"
        query = query.where(
            or_(
                func.lower(ClientAccount.name).like(pattern),
                func.lower(Thread.subject).like(pattern),
            )
        )
    return query.order_by(Thread.last_message_at.desc(), Thread.id.desc())


def to_rows(rows: Sequence[Any]) -> list[ThreadRow]:
    return [
        ThreadRow(thread, name, bool(unread), request_id, assignee)
        for thread, name, unread, request_id, assignee in rows
    ]


def unread_for_client(tenant: TenantSnapshot | int, account_id: int, contact_id: int) -> int:
    """Threads of the account with a staff message the contact has not read (one query)."""
    reader = Person(Side.CLIENT, contact_id)
    query = _with_read_state(select(func.count(Thread.id)), reader).where(
        Thread.tenant_id == (tenant if isinstance(tenant, int) else tenant.id),
        Thread.account_id == account_id,
        _unread_condition(reader),
    )
    return db.session.scalar(query) or 0


def unread_for_staff(tenant: TenantSnapshot | int, staff_id: int) -> int:
    """Threads of the firm with a client message this staff member has not read (one query)."""
    reader = Person(Side.STAFF, staff_id)
    query = _with_read_state(select(func.count(Thread.id)), reader).where(
        Thread.tenant_id == (tenant if isinstance(tenant, int) else tenant.id),
        _unread_condition(reader),
    )
    return db.session.scalar(query) or 0


def unread_threads(
    tenant: TenantSnapshot | int, account_id: int, contact_id: int
) -> list[tuple[Thread, int | None]]:
    """The account's threads the contact has not read, newest first, each with its request's
    id when it is a request's conversation (for "Waiting for you")."""
    reader = Person(Side.CLIENT, contact_id)
    columns: list[Any] = [Thread, ClientRequest.id]
    query = _with_read_state(select(*columns), reader).outerjoin(
        ClientRequest,
        and_(ClientRequest.tenant_id == Thread.tenant_id, ClientRequest.thread_id == Thread.id),
    )
    query = query.where(
        Thread.tenant_id == (tenant if isinstance(tenant, int) else tenant.id),
        Thread.account_id == account_id,
        _unread_condition(reader),
    )
    rows = db.session.execute(query.order_by(Thread.last_message_at.desc()).limit(20))
    return [(thread, request_id) for thread, request_id in rows]


def active_staff(tenant: TenantSnapshot | int) -> list[StaffMember]:
    """Team members a thread can be assigned to, by name."""
    query = owned(StaffMember, tenant, StaffMember.disabled_at.is_(None))
    return list(db.session.scalars(query.order_by(StaffMember.name, StaffMember.email)))


def assign(tenant: TenantSnapshot, thread: Thread, staff_id: int | None) -> None:
    """Give the thread to a team member (None: nobody); never changes anyone's unread state."""
    if staff_id is not None:
        member = get_owned(StaffMember, tenant, staff_id)
        if member is None or member.disabled_at is not None:
            raise UserError("Choose a member of your team.", field="staff_id")
    thread.assigned_staff_id = staff_id


def reassign_staff(
    tenant: TenantSnapshot | int, from_staff_id: int, to_staff_id: int | None
) -> int:
    """Move every thread assigned to a departing staff member (to None: unassigned); returns
    how many moved. The caller commits."""
    result = db.session.execute(
        update(Thread)
        .where(
            Thread.tenant_id == (tenant if isinstance(tenant, int) else tenant.id),
            Thread.assigned_staff_id == from_staff_id,
        )
        .values(assigned_staff_id=to_staff_id)
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(result, "rowcount", 0) or 0)
