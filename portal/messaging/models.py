"""Threads and their messages, read pointers, attachments, client requests, request types and
the firm's services.

A thread belongs to one client account. Its last message id from each side is kept on the row
so that "unread" is one comparison against the reader's pointer, never a count of messages.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import utcnow
from portal.core.extensions import Model
from portal.core.i18n import N_
from tenants.scoping import TenantOwned

SUBJECT_MAX = 200
BODY_MAX = 10_000


class Side(enum.StrEnum):
    """Who wrote a message: a client contact, a staff member, or the firm itself (welcome)."""

    CLIENT = "client"
    STAFF = "staff"
    FIRM = "firm"


class RequestStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"
    DONE = "done"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


# Marked for translation: client pages show them through gettext.
STATUS_LABELS = {
    RequestStatus.OPEN: N_("Open"),
    RequestStatus.IN_PROGRESS: N_("In progress"),
    RequestStatus.WAITING: N_("Waiting on you"),
    RequestStatus.DONE: N_("Done"),
}


class Thread(TenantOwned, Model):
    __tablename__ = "message_threads"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "assigned_staff_id"], ["staff_members.tenant_id", "staff_members.id"]
        ),
        Index(
            "ix_message_threads_tenant_account_last", "tenant_id", "account_id", "last_message_at"
        ),
        Index("ix_message_threads_tenant_last", "tenant_id", "last_message_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int]
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    created_by_kind: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None]
    assigned_staff_id: Mapped[int | None]
    # The newest message from each side: unread = newer than the reader's pointer.
    last_client_message_id: Mapped[int | None]
    last_staff_message_id: Mapped[int | None]
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Message(TenantOwned, Model):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "thread_id"], ["message_threads.tenant_id", "message_threads.id"]
        ),
        Index("ix_messages_tenant_thread_id", "tenant_id", "thread_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int]
    author_kind: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[int | None]
    author_name: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MessageAttachment(TenantOwned, Model):
    """A file (in the account's Files) sent with a message; the file row is owned by Files."""

    __tablename__ = "message_attachments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "message_id"], ["messages.tenant_id", "messages.id"]),
        Index("ix_message_attachments_tenant_message", "tenant_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int]
    file_id: Mapped[int]
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(default=0)


class ReadState(TenantOwned, Model):
    """How far one person has read one thread."""

    __tablename__ = "message_reads"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "thread_id"], ["message_threads.tenant_id", "message_threads.id"]
        ),
    )

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(primary_key=True)
    reader_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    reader_id: Mapped[int] = mapped_column(primary_key=True)
    last_read_message_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


class RequestType(TenantOwned, Model):
    __tablename__ = "request_types"
    __table_args__ = (UniqueConstraint("tenant_id", "id"), UniqueConstraint("tenant_id", "name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Service(TenantOwned, Model):
    """A service the firm offers; clients can browse the list and request one."""

    __tablename__ = "firm_services"
    __table_args__ = (UniqueConstraint("tenant_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(String(500), default="")
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClientRequest(TenantOwned, Model):
    """A client's request; its conversation is its own thread (who is assigned lives there)."""

    __tablename__ = "client_requests"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "thread_id"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "thread_id"], ["message_threads.tenant_id", "message_threads.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "type_id"], ["request_types.tenant_id", "request_types.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "service_id"], ["firm_services.tenant_id", "firm_services.id"]
        ),
        Index("ix_client_requests_tenant_status", "tenant_id", "status", "created_at"),
        Index("ix_client_requests_tenant_account", "tenant_id", "account_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int]
    thread_id: Mapped[int]
    type_id: Mapped[int]
    service_id: Mapped[int | None]
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.OPEN)
    created_by_contact_id: Mapped[int | None]
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
