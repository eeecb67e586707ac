"""Folders and files of a client account; a file in the trash keeps its row until purged."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import utcnow
from portal.core.extensions import Model
from tenants.scoping import TenantOwned

INTERNAL_FOLDER_NAME = "Internal"


class UploaderKind(enum.StrEnum):
    STAFF = "staff"
    CLIENT = "client"
    LINK = "link"  # a no-login link bound to an email address


class Folder(TenantOwned, Model):
    """A folder of one account, nested under `parent_id` (None: the account's top level).

    `internal` folders are staff-only: the client never lists, opens or downloads from them.
    Every folder inside an internal folder is internal too (set when it is created)."""

    __tablename__ = "folders"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "parent_id"], ["folders.tenant_id", "folders.id"]),
        Index("ix_folders_tenant_account_parent", "tenant_id", "account_id", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int]
    parent_id: Mapped[int | None]
    name: Mapped[str] = mapped_column(String(200))
    internal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClientFile(TenantOwned, Model):
    """One uploaded file. `content_type` is sniffed from the bytes; `internal` copies its
    folder's flag so client lists filter on one column."""

    __tablename__ = "client_files"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "folder_id"], ["folders.tenant_id", "folders.id"]),
        Index("ix_client_files_tenant_account_folder", "tenant_id", "account_id", "folder_id"),
        Index("ix_client_files_tenant_deleted", "tenant_id", "deleted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int]
    folder_id: Mapped[int | None]
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(120))
    storage_key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    internal: Mapped[bool] = mapped_column(default=False)
    uploaded_by_kind: Mapped[str] = mapped_column(String(16))
    uploaded_by_id: Mapped[int | None]
    uploaded_by_name: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]
