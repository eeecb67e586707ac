"""Size limit, storage quota, big uploads past the forms' body limit, the trash purge, and
streamed downloads."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from jobs.files import purge_file_trash
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.files.models import ClientFile
from portal.files.uploads import accept_upload, storage_used
from tests.files.conftest import post_files, upload


def count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(ClientFile)) or 0)


def blobs(app: Flask) -> list[Path]:
    root = Path(app.config["UPLOAD_FOLDER"]) / "tenants"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_firm_size_limit_capped_by_the_platform(app: Flask, tenant: Any, account: Any) -> None:
    from tenants.resolution import snapshot_of

    tenant.max_upload_mb = 1
    db.session.commit()
    with pytest.raises(UserError, match="files can be at most 1 MB"):
        accept_upload(
            snapshot_of(tenant),
            account.id,
            upload(b"a" * (1024 * 1024 + 1), "big.txt"),
            uploader_kind="staff",
            uploader_id=1,
        )
    tenant.max_upload_mb = 500
    app.config["MAX_UPLOAD_BYTES"] = 2 * 1024 * 1024
    with pytest.raises(UserError, match="at most 2 MB"):
        accept_upload(
            snapshot_of(tenant),
            account.id,
            upload(b"a" * (3 * 1024 * 1024), "big.txt"),
            uploader_kind="staff",
            uploader_id=1,
        )
    assert count() == 0 and blobs(app) == []


def test_quota_refusal_stores_nothing(app: Flask, client: Any, snap: Any) -> None:
    app.config["TENANT_STORAGE_QUOTA_BYTES"] = 15
    post_files(client, "/files/", "/files/upload", [(b"0123456789", "first.txt")])
    assert count() == 1
    response = post_files(client, "/files/", "/files/upload", [(b"0123456789", "second.txt")])
    assert response.status_code == 422
    assert "the firm&#39;s file storage is full" in response.get_data(as_text=True)
    assert count() == 1 and len(blobs(app)) == 1
    assert storage_used(snap) == 10


def test_a_file_larger_than_the_form_limit_uploads(app: Flask, client: Any) -> None:
    data = b"%PDF-1.4\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1024 * 1024)
    response = post_files(client, "/files/", "/files/upload", [(data, "scan.pdf")])
    assert response.status_code == 303
    row = db.session.scalar(select(ClientFile))
    assert row is not None and row.sha256 == hashlib.sha256(data).hexdigest()


def test_download_streams(app: Flask, client: Any) -> None:
    data = b"1234567890" * 100_000
    post_files(client, "/files/", "/files/upload", [(data, "big.txt")])
    row = db.session.scalar(select(ClientFile))
    assert row is not None
    response = client.get(f"/files/{row.id}/download", buffered=False)
    assert response.is_streamed
    assert int(response.headers["Content-Length"]) == len(data)
    chunks = list(response.response)
    assert len(chunks) > 1 and max(len(c) for c in chunks) <= 64 * 1024
    assert b"".join(chunks) == data
    response.close()


def test_trash_purged_after_30_days(app: Flask, client: Any) -> None:
    post_files(client, "/files/", "/files/upload", [(b"old", "old.txt"), (b"new", "new.txt")])
    old, new = db.session.scalars(select(ClientFile).order_by(ClientFile.name.desc())).all()
    old.deleted_at = utcnow() - timedelta(days=31)
    new.deleted_at = utcnow() - timedelta(days=29)
    db.session.commit()
    old_id, new_id = old.id, new.id
    assert len(blobs(app)) == 2
    assert purge_file_trash() == 1
    db.session.expire_all()
    assert db.session.get(ClientFile, old_id) is None
    assert db.session.get(ClientFile, new_id) is not None
    assert len(blobs(app)) == 1
