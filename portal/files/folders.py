"""Folders of an account: nested, renamable; one staff-only "Internal" folder per account."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import update

from portal.core.errors import UserError
from portal.core.extensions import db
from portal.files.models import INTERNAL_FOLDER_NAME, ClientFile, Folder
from portal.files.names import clean_name
from tenants.scoping import get_owned, owned
from tenants.snapshot import TenantSnapshot

MAX_DEPTH = 20


def internal_folder(tenant: TenantSnapshot, account_id: int) -> Folder:
    """The account's top-level Internal folder, created the first time it is needed."""
    folder = db.session.scalar(
        owned(
            Folder,
            tenant,
            Folder.account_id == account_id,
            Folder.parent_id.is_(None),
            Folder.internal.is_(True),
        ).limit(1)
    )
    if folder is None:
        folder = Folder(
            tenant_id=tenant.id,
            account_id=account_id,
            parent_id=None,
            name=INTERNAL_FOLDER_NAME,
            internal=True,
        )
        db.session.add(folder)
        db.session.flush()
    return folder


def visible_folder(
    tenant: TenantSnapshot, account_id: int, folder_id: int | None, *, staff: bool
) -> Folder | None:
    """The folder if it belongs to this account and the viewer may see it, else None."""
    folder = get_owned(Folder, tenant, folder_id)
    if folder is None or folder.account_id != account_id or (folder.internal and not staff):
        return None
    return folder


def path_of(tenant: TenantSnapshot, folder: Folder | None) -> list[Folder]:
    """Breadcrumbs from the top level down to `folder` (one lookup per level, bounded)."""
    trail: list[Folder] = []
    while folder is not None and len(trail) < MAX_DEPTH:
        trail.append(folder)
        folder = get_owned(Folder, tenant, folder.parent_id)
    return list(reversed(trail))


def subfolders(
    tenant: TenantSnapshot, account_id: int, parent: Folder | None, *, staff: bool
) -> list[Folder]:
    criteria = [
        Folder.account_id == account_id,
        Folder.parent_id == parent.id if parent is not None else Folder.parent_id.is_(None),
    ]
    if not staff:
        criteria.append(Folder.internal.is_(False))
    return list(db.session.scalars(owned(Folder, tenant, *criteria).order_by(Folder.name)))


def create_folder(
    tenant: TenantSnapshot, account_id: int, parent: Folder | None, raw_name: str
) -> Folder:
    name = clean_name(raw_name, "name")
    if len(path_of(tenant, parent)) >= MAX_DEPTH:
        raise UserError("Folders can be nested at most 20 deep.", "name")
    _refuse_taken(tenant, account_id, parent, name)
    folder = Folder(
        tenant_id=tenant.id,
        account_id=account_id,
        parent_id=parent.id if parent is not None else None,
        name=name,
        internal=parent.internal if parent is not None else False,
    )
    db.session.add(folder)
    db.session.flush()
    return folder


def rename_folder(tenant: TenantSnapshot, folder: Folder, raw_name: str) -> None:
    if folder.internal and folder.parent_id is None:
        raise UserError("The Internal folder keeps its name.", "name")
    name = clean_name(raw_name, "name")
    parent = get_owned(Folder, tenant, folder.parent_id)
    if name.lower() != folder.name.lower():
        _refuse_taken(tenant, folder.account_id, parent, name)
    folder.name = name


def delete_folder(tenant: TenantSnapshot, folder: Folder) -> None:
    """Only an empty folder goes; files of it in the trash move up to its parent, so restoring
    them later still finds a home with the same visibility."""
    if folder.internal and folder.parent_id is None:
        raise UserError("The Internal folder cannot be deleted.", "name")
    children = db.session.scalar(
        owned(Folder, tenant, Folder.parent_id == folder.id).limit(1).with_only_columns(Folder.id)
    )
    active = db.session.scalar(
        owned(
            ClientFile, tenant, ClientFile.folder_id == folder.id, ClientFile.deleted_at.is_(None)
        )
        .limit(1)
        .with_only_columns(ClientFile.id)
    )
    if children is not None or active is not None:
        raise UserError(
            f"\u201c{folder.name}\u201d is not empty. Move or delete what it contains first.",
            "name",
        )
    db.session.execute(
        update(ClientFile)
        .where(ClientFile.tenant_id == tenant.id, ClientFile.folder_id == folder.id)
        .values(folder_id=folder.parent_id)
    )
    db.session.delete(folder)
    db.session.flush()


def _refuse_taken(
    tenant: TenantSnapshot, account_id: int, parent: Folder | None, name: str
) -> None:
    names = {f.name.lower() for f in subfolders(tenant, account_id, parent, staff=True)}
    if name.lower() in names:
        raise UserError(
            gettext("There is already a folder named “%(name)s” here.", name=name), "name"
        )


def all_folders(
    tenant: TenantSnapshot, account_id: int, *, staff: bool, limit: int = 1000
) -> list[tuple[Folder, str]]:
    """Every folder of the account with its path ("Taxes / 2025"), for a "Move to" choice:
    one query, paths built in memory."""
    criteria = [Folder.account_id == account_id]
    if not staff:
        criteria.append(Folder.internal.is_(False))
    rows = list(db.session.scalars(owned(Folder, tenant, *criteria).limit(limit)))
    by_id = {folder.id: folder for folder in rows}

    def label(folder: Folder) -> str:
        parts = [folder.name]
        parent = by_id.get(folder.parent_id or 0)
        while parent is not None and len(parts) < MAX_DEPTH:
            parts.append(parent.name)
            parent = by_id.get(parent.parent_id or 0)
        return " / ".join(reversed(parts))

    return sorted(((folder, label(folder)) for folder in rows), key=lambda pair: pair[1].lower())
