"""Accepting one uploaded file: every check runs before anything is stored, and the bytes go
to storage under a server-generated key through a temporary name (nothing half-written)."""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from flask import current_app, request
from flask_babel import gettext
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from portal.auth.models import StaffMember
from portal.clients.models import ClientAccount, Contact
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.storage import storage, stored_for_transaction
from portal.files import checks
from portal.files.folders import internal_folder
from portal.files.models import ClientFile, Folder, UploaderKind
from portal.files.names import clean_name, extension_of, numbered
from tenants.scoping import get_owned, owned
from tenants.snapshot import TenantSnapshot

BODY_ALLOWANCE = 1024 * 1024  # form fields and multipart framing around the files
FILES_PER_POST = 5  # the plain (no JavaScript) form may carry several files at once
LARGE_BODY = "accepts_uploads"
V = TypeVar("V", bound=Callable[..., Any])


def allow_large_body() -> None:
    """Raise this request's body limit to what a few files at the platform's per-file maximum
    need (the app-wide MAX_CONTENT_LENGTH is sized for forms). It must run before anything
    reads the form, and the CSRF check reads it in `before_request`: mark views with
    `@large_body` instead, and the hook below calls this in time."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    request.max_content_length = FILES_PER_POST * limit + BODY_ALLOWANCE


def large_body(view: V) -> V:
    """Mark a view (innermost decorator) whose POST carries uploads."""
    setattr(view, LARGE_BODY, True)
    return view


def raise_body_limit(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A `url_value_preprocessor`: those run before every `before_request`, so the limit is
    raised before the CSRF check parses the body."""
    view = current_app.view_functions.get(endpoint or "")
    if request.method == "POST" and getattr(view, LARGE_BODY, False):
        allow_large_body()


def upload_limit(tenant: TenantSnapshot) -> int:
    """Bytes one file may have: the firm's setting, never above the platform maximum."""
    return min(tenant.max_upload_mb * 1024 * 1024, current_app.config["MAX_UPLOAD_BYTES"])


def storage_used(tenant: TenantSnapshot) -> int:
    """Bytes the firm's files take, trash included (trash still occupies storage)."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(ClientFile.size), 0)).where(ClientFile.tenant_id == tenant.id)
    )
    return int(total or 0)


def storage_quota() -> int:
    return int(current_app.config["TENANT_STORAGE_QUOTA_BYTES"])


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f}".removesuffix(".0") + " MB"


@dataclass(frozen=True, slots=True)
class StoredUpload:
    """Bytes that passed every check and sit in storage under `storage_key`."""

    name: str
    size: int
    content_type: str
    storage_key: str
    sha256: str


def store_checked(
    tenant: TenantSnapshot, upload: FileStorage, *, area: str = "files", other_usage: int = 0
) -> StoredUpload:
    """Run every check on `upload` (size, quota with `other_usage` bytes stored elsewhere, sniffed
    type, archive bombs) and store it under a new key `tenants/<id>/<area>/…`; a rollback of
    the transaction deletes it again. Raises UserError, storing nothing, on any refusal."""
    name = clean_name(upload.filename)
    extension = extension_of(name)
    stream = _seekable(upload.stream, upload_limit(tenant))
    try:
        size = stream.seek(0, 2)
        stream.seek(0)
        if size == 0:
            raise UserError(
                gettext("“%(name)s” is empty, so there is nothing to upload.", name=name), "file"
            )
        _refuse_size(tenant, name, size, other_usage)
        mime = checks.sniff(stream.read(checks.HEAD), extension)
        stream.seek(0)
        checks.refuse_denied(mime, extension)
        checks.refuse_false_claim(mime, extension)
        checks.refuse_bomb(mime, stream, size, _limits())
        digest = _sha256(stream)
        key = f"tenants/{tenant.id}/{area}/{uuid.uuid4().hex}"
        storage().put_stream(key, stream)
        stored_for_transaction(key)
    finally:
        if stream is not upload.stream:
            stream.close()
    return StoredUpload(name, size, mime, key, digest)


def accept_upload(
    tenant: TenantSnapshot,
    account_id: int,
    upload: FileStorage,
    *,
    uploader_kind: str,
    uploader_id: int,
    folder_id: int | None = None,
    internal: bool = False,
    uploader_name: str | None = None,
) -> ClientFile:
    """Check `upload` and store it as a file of the account; the row is added to the session
    and the caller commits. Raises UserError (nothing stored) on any refusal."""
    account = get_owned(ClientAccount, tenant, account_id)
    if account is None:
        raise UserError("That client account no longer exists.", "file")
    folder = _target_folder(tenant, account.id, folder_id, internal)
    stored = store_checked(tenant, upload)
    row = ClientFile(
        tenant_id=tenant.id,
        account_id=account.id,
        folder_id=folder.id if folder is not None else None,
        internal=folder.internal if folder is not None else False,
        name=numbered(stored.name, _taken_names(tenant, account.id, folder)),
        size=stored.size,
        content_type=stored.content_type,
        storage_key=stored.storage_key,
        sha256=stored.sha256,
        uploaded_by_kind=uploader_kind,
        uploaded_by_id=uploader_id,
        uploaded_by_name=uploader_name or _uploader_name(tenant, uploader_kind, uploader_id),
    )
    db.session.add(row)
    db.session.flush()
    return row


def _target_folder(
    tenant: TenantSnapshot, account_id: int, folder_id: int | None, internal: bool
) -> Folder | None:
    if folder_id is None:
        return internal_folder(tenant, account_id) if internal else None
    folder = get_owned(Folder, tenant, folder_id)
    if folder is None or folder.account_id != account_id:
        raise UserError("That folder no longer exists.", "folder")
    if internal and not folder.internal:
        raise UserError("Internal files go in the Internal folder.", "folder")
    return folder


def _refuse_size(tenant: TenantSnapshot, name: str, size: int, other_usage: int = 0) -> None:
    limit = upload_limit(tenant)
    if size > limit:
        raise UserError(
            gettext(
                "“%(name)s” is %(size)s; files can be at most %(limit)s.",
                name=name,
                size=megabytes(size),
                limit=megabytes(limit),
            ),
            "file",
        )
    if storage_used(tenant) + other_usage + size > storage_quota():
        raise UserError(
            gettext(
                "“%(name)s” was not uploaded: the firm's file storage is full. Empty the trash "
                "or delete files you no longer need, or ask the firm for help.",
                name=name,
            ),
            "file",
        )


def _limits() -> checks.Limits:
    config = current_app.config
    return checks.Limits(
        max_uncompressed=int(config["ZIP_MAX_UNCOMPRESSED_BYTES"]),
        max_ratio=int(config["ZIP_MAX_RATIO"]),
        max_entries=int(config["ZIP_MAX_ENTRIES"]),
    )


def _seekable(stream: IO[bytes], limit: int) -> IO[bytes]:
    """Werkzeug spools uploads to a seekable file already; anything else is copied to one, and
    refused as soon as it passes the limit."""
    if stream.seekable():
        return stream
    copy = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
    while chunk := stream.read(64 * 1024):
        copy.write(chunk)
        if copy.tell() > limit:
            copy.close()
            raise UserError(
                gettext("Files can be at most %(limit)s.", limit=megabytes(limit)), "file"
            )
    copy.seek(0)
    return copy


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(64 * 1024):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _taken_names(tenant: TenantSnapshot, account_id: int, folder: Folder | None) -> set[str]:
    """Names in the target folder (not in the trash): a new file never overwrites one."""
    where = (
        ClientFile.folder_id == folder.id if folder is not None else ClientFile.folder_id.is_(None)
    )
    names = db.session.scalars(
        owned(
            ClientFile,
            tenant,
            ClientFile.account_id == account_id,
            ClientFile.deleted_at.is_(None),
            where,
        ).with_only_columns(ClientFile.name)
    )
    return {name.lower() for name in names}


def _uploader_name(tenant: TenantSnapshot, kind: str, ident: int) -> str:
    person: StaffMember | Contact | None = None
    if kind == UploaderKind.STAFF:
        person = get_owned(StaffMember, tenant, ident)
    elif kind == UploaderKind.CLIENT:
        person = get_owned(Contact, tenant, ident)
    if person is None:
        return ""
    return person.display_name if isinstance(person, Contact) else person.name or person.email


def accept_many(
    tenant: TenantSnapshot,
    account_id: int,
    uploads: list[FileStorage],
    *,
    uploader_kind: str,
    uploader_id: int,
    folder_id: int | None = None,
) -> tuple[list[ClientFile], list[str]]:
    """Each file on its own: the good ones are stored, each refusal is one sentence naming the
    file. The caller commits."""
    stored: list[ClientFile] = []
    refused: list[str] = []
    for upload in uploads:
        if not upload.filename:
            continue
        try:
            stored.append(
                accept_upload(
                    tenant,
                    account_id,
                    upload,
                    uploader_kind=uploader_kind,
                    uploader_id=uploader_id,
                    folder_id=folder_id,
                )
            )
        except UserError as error:
            refused.append(f"{_label(upload.filename)}: {error.message}")
    if not stored and not refused:
        refused.append("Choose at least one file to upload.")
    return stored, refused


def _label(raw: str) -> str:
    try:
        return clean_name(raw)
    except UserError:
        return "A file"
