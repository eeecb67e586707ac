"""Client files (`portal.files`): list an account's files (or one folder's), upload through
the same checks as the pages (sniffed type, limits, quota), and download the bytes."""

from __future__ import annotations

from typing import Any

from flask import request

from portal.api import firm_schemas as schemas
from portal.api.auth import current_token
from portal.api.errors import ApiError
from portal.api.messaging import ID_QUERY
from portal.api.routing import MAX_ID, operation, page_of, tenant
from portal.clients.models import ClientAccount
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.files import service
from portal.files.downloads import download_response
from portal.files.folders import visible_folder
from portal.files.models import ClientFile, Folder, UploaderKind
from portal.files.uploads import accept_upload
from tenants.scoping import get_owned, owned

UPLOAD_FORM = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary"},
        "folder_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    },
}


def file_json(file: ClientFile) -> dict[str, Any]:
    return schemas.File(
        id=file.id,
        account_id=file.account_id,
        folder_id=file.folder_id,
        name=file.name,
        size=file.size,
        content_type=file.content_type,
        internal=file.internal,
        uploaded_by_name=file.uploaded_by_name,
        created_at=file.created_at,
    ).model_dump(mode="json")


def _account(account_id: int) -> ClientAccount:
    account = get_owned(ClientAccount, tenant(), account_id)
    if account is None:
        raise ApiError(404, "No such client account.")
    return account


def _folder(account: ClientAccount, raw: str | None) -> Folder | None:
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        raise ApiError(422, "folder_id must be a folder's id.", {"folder_id": "id"})
    folder = visible_folder(tenant(), account.id, int(raw), staff=True)
    if folder is None:
        raise ApiError(404, "No such folder in this account.", {"folder_id": "not found"})
    return folder


@operation(
    "get",
    "/clients/<int:account_id>/files",
    "List an account's files (every folder, or one with folder_id)",
    schemas.FileList,
    paged=True,
    tag="files",
    query={"folder_id": ID_QUERY},
)
def list_files(account_id: int) -> Any:
    account = _account(account_id)
    folder = _folder(account, request.args.get("folder_id"))
    if folder is None:
        query = owned(
            ClientFile,
            tenant(),
            ClientFile.account_id == account.id,
            ClientFile.deleted_at.is_(None),
        )
    else:
        query = service.files_query(tenant(), account.id, folder, staff=True).order_by(None)
    rows, cursor = page_of(query, ClientFile.id)
    return {"data": [file_json(f) for f in rows], "next_cursor": cursor}


@operation(
    "post",
    "/clients/<int:account_id>/files",
    "Upload a file (multipart/form-data: file, optional folder_id)",
    schemas.File,
    status=201,
    tag="files",
    multipart=UPLOAD_FORM,
)
def upload_file(account_id: int) -> Any:
    account = _account(account_id)
    folder = _folder(account, request.form.get("folder_id"))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise UserError("Send the file as the multipart field “file”.", "file")
    row = accept_upload(
        tenant(),
        account.id,
        upload,
        uploader_kind=UploaderKind.STAFF,
        uploader_id=0,
        folder_id=folder.id if folder is not None else None,
        uploader_name=f"API ({current_token().name})",
    )
    db.session.commit()
    return file_json(row), 201


@operation(
    "get",
    "/clients/<int:account_id>/files/<int:file_id>",
    "One file's details",
    schemas.File,
    tag="files",
)
def get_file(account_id: int, file_id: int) -> Any:
    return file_json(_file(account_id, file_id))


@operation(
    "get",
    "/clients/<int:account_id>/files/<int:file_id>/content",
    "Download a file (streamed bytes)",
    None,
    tag="files",
    binary=True,
)
def download_file(account_id: int, file_id: int) -> Any:
    return download_response(tenant(), _file(account_id, file_id))


def _file(account_id: int, file_id: int) -> ClientFile:
    account = _account(account_id)
    file = service.visible_file(tenant(), account.id, file_id, staff=True)
    if file is None:
        raise ApiError(404, "No such file in this account.")
    return file
