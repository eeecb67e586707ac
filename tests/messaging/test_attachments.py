"""Files sent with a message: stored through Files (same checks), listed under the message,
downloadable only through their own thread."""

from __future__ import annotations

import io

from portal.core.extensions import db
from portal.files.models import ClientFile
from portal.messaging.models import MessageAttachment
from tests.fixtures.tenants import csrf_from
from tests.messaging.conftest import start_thread

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _send(client, page: str, body: str, files: list[tuple[bytes, str]]):  # type: ignore[no-untyped-def]
    csrf = csrf_from(client.get(page).get_data(as_text=True))
    data = {"csrf_token": csrf, "body": body, "files": [(io.BytesIO(b), n) for b, n in files]}
    return client.post(page, data=data, content_type="multipart/form-data")


def test_attachments_travel_with_the_message(app, firm, jane) -> None:  # type: ignore[no-untyped-def]
    thread_id = start_thread(jane, "Receipts", "Here they come")
    response = _send(
        jane, f"/messages/{thread_id}", "", [(PDF, "receipt.pdf"), (b"plain text\n", "notes.txt")]
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    stored = db.session.query(ClientFile).order_by(ClientFile.id).all()
    assert [f.name for f in stored] == ["receipt.pdf", "notes.txt"]
    assert all(f.uploaded_by_kind == "client" for f in stored)

    [first, second] = db.session.query(MessageAttachment).order_by(MessageAttachment.id).all()
    staff_page = firm.get(f"/admin/inbox/{thread_id}").get_data(as_text=True)
    assert f"/admin/inbox/{thread_id}/attachments/{first.id}" in staff_page
    download = firm.get(f"/admin/inbox/{thread_id}/attachments/{first.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    client_download = jane.get(f"/messages/{thread_id}/attachments/{second.id}")
    assert client_download.status_code == 200 and client_download.data == b"plain text\n"

    other = start_thread(jane, "Another", "no files")
    assert jane.get(f"/messages/{other}/attachments/{first.id}").status_code == 404
    assert firm.get(f"/admin/inbox/{other}/attachments/{first.id}").status_code == 404


def test_a_refused_file_is_a_form_error_and_nothing_is_sent(app, jane) -> None:  # type: ignore[no-untyped-def]
    thread_id = start_thread(jane, "Bad file", "first")
    response = _send(jane, f"/messages/{thread_id}", "see file", [(b"", "empty.pdf")])
    assert response.status_code == 422
    assert "is empty" in response.get_data(as_text=True)
    assert db.session.query(MessageAttachment).count() == 0
    many = [(b"x%d\n" % i, f"f{i}.txt") for i in range(11)]
    response = _send(jane, f"/messages/{thread_id}", "many", many)
    assert response.status_code == 422
    assert "Attach 10 files at most" in response.get_data(as_text=True)
