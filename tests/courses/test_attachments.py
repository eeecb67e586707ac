"""Staff attach files to a lesson (checked like client uploads); clients download them with safe
headers; removing a lesson's file removes the stored bytes."""

from __future__ import annotations

import io
from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.core.extensions import db
from portal.core.storage import storage
from portal.courses.models import Lesson, LessonAttachment
from tests.fixtures.tenants import csrf_from

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def attach(firm: Any, course_id: int, lesson_id: int, content: bytes, name: str) -> Any:
    page = f"/admin/courses/{course_id}/lessons/{lesson_id}"
    token = csrf_from(firm.get(page).get_data(as_text=True))
    values = MultiDict([("csrf_token", token)])
    values.add("file", FileStorage(io.BytesIO(content), filename=name))
    boundary, body = encode_multipart(values)
    return firm.post(
        f"{page}/attachments", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_attachment_upload_download_and_removal(
    firm: Any, tenant: Any, client: Any, make_course: Any
) -> None:
    course = make_course(tenant)
    lesson = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).first()
    stored = attach(firm, course.id, lesson.id, PDF, "Checklist 2025.pdf")
    assert stored.status_code == 303
    assert "Attached “Checklist 2025.pdf”." in firm.get(stored.location).get_data(as_text=True)
    file = db.session.scalars(select(LessonAttachment)).one()

    html = client.get(f"/courses/{course.id}/lessons/{lesson.id}").get_data(as_text=True)
    link = f"/courses/{course.id}/lessons/{lesson.id}/files/{file.id}"
    assert link in html and "Checklist 2025.pdf" in html
    download = client.get(link)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    other = db.session.scalars(select(Lesson).where(Lesson.id != lesson.id)).first()
    assert client.get(f"/courses/{course.id}/lessons/{other.id}/files/{file.id}").status_code == 404

    key = file.storage_key
    removed = firm.submit(
        f"/admin/courses/{course.id}/lessons/{lesson.id}",
        {},
        action=f"/admin/courses/{course.id}/lessons/{lesson.id}/attachments/{file.id}/delete",
    )
    assert removed.status_code == 303
    assert storage().get(key) is None
    assert client.get(link).status_code == 404


def test_dangerous_or_empty_files_are_refused_on_the_form(
    firm: Any, tenant: Any, make_course: Any
) -> None:
    course = make_course(tenant)
    lesson = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).first()
    program = attach(firm, course.id, lesson.id, b"MZ\x90\x00" + b"\x00" * 60, "setup.exe")
    assert program.status_code == 422
    empty = attach(firm, course.id, lesson.id, b"", "empty.txt")
    assert empty.status_code == 422 and "is empty" in empty.get_data(as_text=True)
    assert db.session.scalars(select(LessonAttachment)).all() == []


def test_an_html_attachment_is_never_rendered(
    firm: Any, tenant: Any, client: Any, make_course: Any
) -> None:
    course = make_course(tenant)
    lesson = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).first()
    attach(firm, course.id, lesson.id, b"<html><script>alert(1)</script></html>", "page.html")
    file = db.session.scalars(select(LessonAttachment)).first()
    if file is None:
        return  # refused outright is fine too
    response = client.get(f"/courses/{course.id}/lessons/{lesson.id}/files/{file.id}")
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_deleting_a_lesson_removes_its_stored_files(
    firm: Any, tenant: Any, make_course: Any
) -> None:
    course = make_course(tenant)
    lesson = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).first()
    attach(firm, course.id, lesson.id, PDF, "a.pdf")
    key = db.session.scalars(select(LessonAttachment.storage_key)).one()
    assert storage().get(key) == PDF
    page = f"/admin/courses/{course.id}/lessons/{lesson.id}"
    assert firm.submit(page, {"confirm": "1"}, action=f"{page}/delete").status_code == 303
    assert storage().get(key) is None
