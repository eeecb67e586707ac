"""Renaming, moving, trashing and restoring files; listing them; emptying old trash."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, select

from portal.core.database import after_commit, utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.storage import storage
from portal.files.folders import visible_folder
from portal.files.models import ClientFile, Folder
from portal.files.names import clean_name, numbered
from tenants.scoping import get_owned, owned
from tenants.snapshot import TenantSnapshot

SORTS = {
    "name": ClientFile.name,
    "created": ClientFile.created_at,
    "size": ClientFile.size,
}


def visible_file(
    tenant: TenantSnapshot,
    account_id: int,
    file_id: int | None,
    *,
    staff: bool,
    trash: bool = False,
) -> ClientFile | None:
    """The file if it is this account's, in (or out of) the trash as asked, and the viewer may
    see it: clients never get an internal file."""
    file = get_owned(ClientFile, tenant, file_id)
    if file is None or file.account_id != account_id or (file.internal and not staff):
        return None
    if (file.deleted_at is not None) != trash:
        return None
    return file


def files_query(
    tenant: TenantSnapshot,
    account_id: int,
    folder: Folder | None,
    *,
    staff: bool,
    sort: tuple[str, bool] = ("name", False),
) -> Select[Any]:
    """One folder's files, not trashed, in a stable order (paginate it)."""
    where = (
        ClientFile.folder_id == folder.id if folder is not None else ClientFile.folder_id.is_(None)
    )
    criteria = [ClientFile.account_id == account_id, ClientFile.deleted_at.is_(None), where]
    if not staff:
        criteria.append(ClientFile.internal.is_(False))
    column = SORTS.get(sort[0], ClientFile.name)
    order = column.desc() if sort[1] else column.asc()
    return owned(ClientFile, tenant, *criteria).order_by(order, ClientFile.id)


def trash_query(tenant: TenantSnapshot, account_id: int, *, staff: bool) -> Select[Any]:
    criteria = [ClientFile.account_id == account_id, ClientFile.deleted_at.is_not(None)]
    if not staff:
        criteria.append(ClientFile.internal.is_(False))
    return owned(ClientFile, tenant, *criteria).order_by(
        ClientFile.deleted_at.desc(), ClientFile.id
    )


def purge_date(file: ClientFile) -> Any:
    return (file.deleted_at or utcnow()) + timedelta(days=current_app.config["FILES_TRASH_DAYS"])


def rename_file(tenant: TenantSnapshot, file: ClientFile, raw_name: str) -> None:
    name = clean_name(raw_name, "name")
    if name.lower() != file.name.lower():
        name = numbered(name, _names_in(tenant, file.account_id, file.folder_id, file.id))
    file.name = name


def move_file(
    tenant: TenantSnapshot, file: ClientFile, folder_id: int | None, *, staff: bool
) -> None:
    """Into another folder of the same account; a file takes its new folder's visibility, so
    only staff may move into or out of Internal."""
    target = None
    if folder_id is not None:
        target = visible_folder(tenant, file.account_id, folder_id, staff=staff)
        if target is None:
            raise UserError("That folder no longer exists.", "folder")
    if not staff and file.internal:
        raise UserError("That file no longer exists.", "folder")
    file.folder_id = target.id if target is not None else None
    file.internal = target.internal if target is not None else False
    file.name = numbered(file.name, _names_in(tenant, file.account_id, file.folder_id, file.id))


def trash_file(file: ClientFile) -> None:
    file.deleted_at = utcnow()


def restore_file(tenant: TenantSnapshot, file: ClientFile) -> None:
    """Back into its folder (under a new number if its name was taken meanwhile)."""
    file.name = numbered(file.name, _names_in(tenant, file.account_id, file.folder_id, file.id))
    file.deleted_at = None


def purge_trash(tenant_id: int | None = None, *, batch: int = 500) -> int:
    """Delete rows trashed more than FILES_TRASH_DAYS ago, then their bytes after the commit
    (a rollback keeps both). Returns how many files went."""
    cutoff = utcnow() - timedelta(days=current_app.config["FILES_TRASH_DAYS"])
    query = select(ClientFile).where(ClientFile.deleted_at < cutoff)
    if tenant_id is not None:
        query = query.where(ClientFile.tenant_id == tenant_id)
    purged = 0
    while rows := list(db.session.scalars(query.order_by(ClientFile.id).limit(batch))):
        keys = [row.storage_key for row in rows]
        for row in rows:
            db.session.delete(row)
        after_commit(_delete_blobs, *keys)
        db.session.commit()
        purged += len(rows)
    return purged


def _delete_blobs(*keys: str) -> None:
    store = storage()
    for key in keys:
        store.delete(key)


def _names_in(
    tenant: TenantSnapshot, account_id: int, folder_id: int | None, except_id: int
) -> set[str]:
    where = (
        ClientFile.folder_id == folder_id
        if folder_id is not None
        else ClientFile.folder_id.is_(None)
    )
    names = db.session.scalars(
        owned(
            ClientFile,
            tenant,
            ClientFile.account_id == account_id,
            ClientFile.deleted_at.is_(None),
            ClientFile.id != except_id,
            where,
        ).with_only_columns(ClientFile.name)
    )
    return {name.lower() for name in names}
