"""Demo data: a few folders and files for a client account of the demo firm."""

from __future__ import annotations

from io import BytesIO

from werkzeug.datastructures import FileStorage

from portal.clients import directory
from portal.clients.models import ClientAccount
from portal.core.extensions import db
from portal.files.folders import create_folder, internal_folder
from portal.files.models import ClientFile
from portal.files.uploads import accept_upload
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

DEMO_ACCOUNT = "Jones Household"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def seed_files(tenant: TenantSnapshot, staff_id: int) -> None:
    """Once per demo firm (nothing is added when it already has files). The caller commits."""
    if db.session.scalar(owned(ClientFile, tenant).limit(1)) is not None:
        return
    account = db.session.scalar(
        owned(ClientAccount, tenant).where(ClientAccount.name == DEMO_ACCOUNT)
    ) or directory.create_account(tenant.id, DEMO_ACCOUNT, "household")
    db.session.flush()
    taxes = create_folder(tenant, account.id, None, "Taxes 2025")
    files = [
        (taxes.id, "2025 Tax organizer.pdf", PDF),
        (taxes.id, "Estimated payments.csv", b"Quarter,Amount\nQ1,1200\nQ2,1200\n"),
        (None, "Welcome to the portal.txt", b"Your documents from the firm appear here.\n"),
        (internal_folder(tenant, account.id).id, "Preparer notes.txt", b"Staff only.\n"),
    ]
    for folder_id, name, data in files:
        accept_upload(
            tenant,
            account.id,
            FileStorage(BytesIO(data), name),
            uploader_kind="staff",
            uploader_id=staff_id,
            folder_id=folder_id,
        )
