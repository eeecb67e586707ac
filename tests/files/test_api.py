"""The API other modules call: accept_upload stores checked bytes, download_response serves
them back streamed with safe headers."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlalchemy import select

from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.storage import storage
from portal.files.downloads import download_response
from portal.files.models import ClientFile
from portal.files.uploads import accept_upload
from tests.files.conftest import PDF, PNG, upload


def test_upload_then_download_gives_the_same_bytes(app: Any, snap: Any, account: Any) -> None:
    data = PDF + b"x" * 300_000
    row = accept_upload(
        snap, account.id, upload(data, "Tax return 2025.pdf"), uploader_kind="staff", uploader_id=0
    )
    db.session.commit()
    assert row.content_type == "application/pdf"
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    with app.test_request_context():
        response = download_response(snap, row)
        assert response.direct_passthrough
        body = b"".join(response.response)
    assert hashlib.sha256(body).hexdigest() == row.sha256
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Tax%20return%202025.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_inline_only_for_images_and_pdfs(app: Any, snap: Any, account: Any) -> None:
    image = accept_upload(
        snap, account.id, upload(PNG, "a.png"), uploader_kind="staff", uploader_id=0
    )
    text = accept_upload(
        snap, account.id, upload(b"hello", "a.txt"), uploader_kind="staff", uploader_id=0
    )
    with app.test_request_context():
        assert (
            download_response(snap, image, inline=True)
            .headers["Content-Disposition"]
            .startswith("inline;")
        )
        assert (
            download_response(snap, text, inline=True)
            .headers["Content-Disposition"]
            .startswith("attachment;")
        )


def test_refusal_stores_nothing(app: Any, snap: Any, account: Any) -> None:
    with pytest.raises(UserError, match="cannot be uploaded"):
        accept_upload(
            snap,
            account.id,
            upload(b"MZ\x90\x00" + b"\x00" * 200, "x.pdf"),
            uploader_kind="client",
            uploader_id=0,
        )
    assert db.session.scalars(select(ClientFile)).all() == []
    root = storage().root  # type: ignore[attr-defined]
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_a_rolled_back_upload_leaves_no_bytes(app: Any, snap: Any, account: Any) -> None:
    row = accept_upload(
        snap, account.id, upload(b"x", "x.txt"), uploader_kind="staff", uploader_id=0
    )
    key = row.storage_key
    assert storage().get(key) == b"x"
    db.session.rollback()
    assert storage().get(key) is None
    kept = accept_upload(
        snap, account.id, upload(b"y", "y.txt"), uploader_kind="staff", uploader_id=0
    )
    db.session.commit()
    db.session.rollback()
    assert storage().get(kept.storage_key) == b"y"
