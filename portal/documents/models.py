"""Document requests (what the firm asked a client account for), the files uploaded to them,
and single-purpose action links that let one email address act without signing in."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKeyConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import utcnow
from portal.core.extensions import Model
from tenants.scoping import TenantOwned


class RequestStatus(enum.StrEnum):
    REQUESTED = "requested"  # waiting for the client
    UPLOADED = "uploaded"  # waiting for the firm's review
    ACCEPTED = "accepted"  # done
    REOPENED = "reopened"  # the firm asked for changes: waiting for the client again


# The client still has something to do.
OPEN_FOR_CLIENT = (RequestStatus.REQUESTED, RequestStatus.REOPENED)


class LinkPurpose(enum.StrEnum):
    UPLOAD = "upload"  # upload to one document request
    VIEW = "view"  # view or download one file


class DocumentRequest(TenantOwned, Model):
    __tablename__ = "document_requests"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "requested_by_id"], ["staff_members.tenant_id", "staff_members.id"]
        ),
        Index("ix_document_requests_tenant_account_status", "tenant_id", "account_id", "status"),
        Index("ix_document_requests_tenant_status_due", "tenant_id", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.REQUESTED)
    # Who is told about uploads; None once that staff member left and nobody took over.
    requested_by_id: Mapped[int | None]
    review_comment: Mapped[str] = mapped_column(Text, default="")
    uploaded_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    # Each reminder goes once: N days before the due date, and on it.
    reminded_before_at: Mapped[datetime | None]
    reminded_due_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def waits_for_client(self) -> bool:
        return self.status in OPEN_FOR_CLIENT

    def is_overdue(self, today: date) -> bool:
        return self.waits_for_client and self.due_date is not None and self.due_date < today


class RequestUpload(TenantOwned, Model):
    """A file that arrived for a request, with who sent it (a contact, or an address by link)."""

    __tablename__ = "document_request_uploads"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "request_id"], ["document_requests.tenant_id", "document_requests.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "file_id"], ["client_files.tenant_id", "client_files.id"]
        ),
        Index("ix_document_request_uploads_tenant_request", "tenant_id", "request_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int]
    file_id: Mapped[int]
    uploaded_by: Mapped[str] = mapped_column(String(320))  # a name, or "via link by x@y"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActionLink(TenantOwned, Model):
    """A no-login link: one purpose, one object, one email address; only its SHA-256 is kept."""

    __tablename__ = "action_links"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "token_hash"),
        ForeignKeyConstraint(
            ["tenant_id", "request_id"], ["document_requests.tenant_id", "document_requests.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "file_id"], ["client_files.tenant_id", "client_files.id"]
        ),
        Index("ix_action_links_tenant_request", "tenant_id", "request_id"),
        Index("ix_action_links_tenant_file", "tenant_id", "file_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16))
    request_id: Mapped[int | None]
    file_id: Mapped[int | None]
    email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
