"""Hostile uploads: each is refused with a clear message (and nothing stored) or neutralised
(stored, but never served inline or as something a browser runs)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.core.errors import UserError
from portal.core.extensions import db
from portal.files.downloads import content_disposition
from portal.files.models import ClientFile
from portal.files.names import clean_name
from portal.files.uploads import accept_upload
from tests.files.conftest import PDF, PNG, post_files, upload

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"PE\x00\x00"
RTL = "invoice\u202efdp.exe"


def zip_bomb() -> bytes:
    """A small zip whose entries expand a thousand times (64 MB of zeros in ~130 KB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        chunk = b"\x00" * (16 * 1024 * 1024)
        for number in range(2):
            with archive.open(f"zeros{number}.bin", "w", force_zip64=True) as entry:
                for _ in range(2):
                    entry.write(chunk)
    return buffer.getvalue()


def stored_count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(ClientFile)) or 0)


def stored_blobs(app: Flask) -> list[Path]:
    root = Path(app.config["UPLOAD_FOLDER"]) / "tenants"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


REFUSED = [
    (HTML, "statement.pdf", "is named .pdf, but its content is not"),
    (EXE, "report.pdf", "Programs and scripts cannot be uploaded"),
    (EXE, "setup.exe", ".exe files cannot be uploaded"),
    (b"@echo off\r\ndel *.*\r\n", "run.bat", ".bat files cannot be uploaded"),
    (b"#!/bin/sh\nrm -rf ~\n", "notes.txt", "Programs and scripts cannot be uploaded"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "tool", "Programs and scripts cannot be uploaded"),
    (b"hello", RTL, ".exe files cannot be uploaded"),  # the RTL override hid ".exe"
    (HTML, "photo.png", "is named .png, but its content is not"),
    (b"", "empty.txt", "is empty"),
    (b"data", "\x00\u202e../", "no usable characters left"),
    (b"data", "../../..", "no usable characters left"),
]


@pytest.mark.parametrize(("content", "name", "message"), REFUSED)
def test_refused_with_a_clear_message_and_nothing_stored(
    app: Flask, snap: Any, account: Any, content: bytes, name: str, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        accept_upload(
            snap, account.id, upload(content, name), uploader_kind="client", uploader_id=1
        )
    db.session.rollback()
    assert stored_count() == 0
    assert stored_blobs(app) == []


def test_zip_bomb_refused(app: Flask, snap: Any, account: Any) -> None:
    bomb = zip_bomb()
    assert len(bomb) < 5 * 1024 * 1024
    with pytest.raises(UserError, match="zip bomb"):
        accept_upload(
            snap, account.id, upload(bomb, "archive.zip"), uploader_kind="staff", uploader_id=1
        )
    with pytest.raises(UserError, match="zip bomb"):
        accept_upload(
            snap, account.id, upload(bomb, "letter.docx"), uploader_kind="staff", uploader_id=1
        )
    assert stored_count() == 0 and stored_blobs(app) == []


def test_gzip_bomb_refused(app: Flask, snap: Any, account: Any) -> None:
    import gzip

    app.config["ZIP_MAX_UNCOMPRESSED_BYTES"] = 10 * 1024 * 1024
    bomb = gzip.compress(b"\x00" * (50 * 1024 * 1024), compresslevel=9)
    with pytest.raises(UserError, match="zip bomb"):
        accept_upload(
            snap, account.id, upload(bomb, "data.gz"), uploader_kind="staff", uploader_id=1
        )
    assert stored_count() == 0


def test_a_normal_zip_and_office_file_pass(snap: Any, account: Any) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", "hello " * 1000)
    row = accept_upload(
        snap, account.id, upload(buffer.getvalue(), "a.zip"), uploader_kind="staff", uploader_id=1
    )
    assert row.content_type == "application/zip"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../x.pdf", "x.pdf"),
        ("C:\\Users\\me\\x.pdf", "x.pdf"),
        ("a\x00b.pdf", "ab.pdf"),
        ("re\u202eport.txt", "report.txt"),
        ("con.txt", "_con.txt"),
        ("  .hidden  ", "hidden"),
        ("a<b>:c|d?.txt", "a_b__c_d_.txt"),
    ],
)
def test_names_are_cleaned(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


def test_300_character_names_are_shortened_keeping_the_extension() -> None:
    name = clean_name("x" * 300 + ".pdf")
    assert len(name) == 200 and name.endswith("xxx.pdf")


def test_traversal_name_is_stored_under_a_generated_key(
    app: Flask, snap: Any, account: Any
) -> None:
    row = accept_upload(
        snap,
        account.id,
        upload(b"hi", "../../../etc/passwd"),
        uploader_kind="client",
        uploader_id=1,
    )
    db.session.commit()
    assert row.name == "passwd"
    assert row.storage_key.startswith(f"tenants/{snap.id}/files/") and ".." not in row.storage_key
    (blob,) = stored_blobs(app)
    assert Path(app.config["UPLOAD_FOLDER"]) in blob.parents


@pytest.mark.parametrize(
    ("content", "name", "stored_as"),
    [
        (SVG, "logo.svg", "image/svg+xml"),
        (HTML, "page.html", "text/html"),
        (b'<?xml version="1.0"?><return/>', "return.xml", "application/xml"),
        (HTML, "notes.txt", "text/html"),
    ],
)
def test_markup_is_never_served_inline_or_as_markup(
    client: Any, content: bytes, name: str, stored_as: str
) -> None:
    post_files(client, "/files/", "/files/upload", [(content, name)])
    row = db.session.scalar(select(ClientFile))
    assert row is not None and row.content_type == stored_as
    for path in (f"/files/{row.id}/view", f"/files/{row.id}/download"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/octet-stream"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]


def test_pdf_polyglot_is_served_as_a_pdf_in_a_sandbox(client: Any) -> None:
    polyglot = PDF + HTML
    post_files(client, "/files/", "/files/upload", [(polyglot, "statement.pdf")])
    row = db.session.scalar(select(ClientFile))
    assert row is not None
    response = client.get(f"/files/{row.id}/view")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline;")
    csp = response.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp


def test_images_preview_inline_in_a_sandbox(client: Any) -> None:
    post_files(client, "/files/", "/files/upload", [(PNG, "scan.png")])
    row = db.session.scalar(select(ClientFile))
    assert row is not None
    response = client.get(f"/files/{row.id}/view")
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_download_name_is_safe_in_the_header(client: Any) -> None:
    assert content_disposition("attachment", clean_name('Quote "\u00fc"; rm.txt')) == (
        "attachment; filename=\"Quote ____ rm.txt\"; filename*=UTF-8''Quote%20_%C3%BC_%3B%20rm.txt"
    )
    post_files(client, "/files/", "/files/upload", [(b"x", "R\u00e9sum\u00e9 2025.txt")])
    row = db.session.scalar(select(ClientFile))
    assert row is not None
    header = client.get(f"/files/{row.id}/download").headers["Content-Disposition"]
    assert header == (
        "attachment; filename=\"R_sum_ 2025.txt\"; filename*=UTF-8''R%C3%A9sum%C3%A9%202025.txt"
    )


def test_refusal_through_the_page_shows_the_message(client: Any) -> None:
    response = post_files(client, "/files/", "/files/upload", [(EXE, "invoice.pdf")])
    assert response.status_code == 422
    assert "Programs and scripts cannot be uploaded" in response.get_data(as_text=True)
    assert stored_count() == 0
