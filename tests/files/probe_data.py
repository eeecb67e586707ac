"""Files for the cross-tenant probe: a folder and a file in it, both named with a marker."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from werkzeug.datastructures import FileStorage

from portal.files.folders import create_folder
from portal.files.uploads import accept_upload
from tenants.resolution import snapshot_by_id


def file_objects(tenant_id: int, account_id: int, staff_id: int, marker: str) -> dict[str, Any]:
    """{folder_id, file_id} of the account: a folder named `marker` holding `marker`.txt."""
    tenant = snapshot_by_id(tenant_id)
    assert tenant is not None
    folder = create_folder(tenant, account_id, None, f"{marker} folder")
    stored = accept_upload(
        tenant,
        account_id,
        FileStorage(BytesIO(f"{marker} contents".encode()), f"{marker} ledger.txt"),
        uploader_kind="staff",
        uploader_id=staff_id,
        folder_id=folder.id,
    )
    return {"folder_id": folder.id, "file_id": stored.id}
