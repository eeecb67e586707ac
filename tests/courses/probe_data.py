"""Courses for the cross-tenant probe: a published course with a section, a lesson and an
attachment, all named with a marker; `account_only` grants it to the one account alone."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from werkzeug.datastructures import FileStorage

from portal.courses import service
from tenants.resolution import snapshot_by_id


def course_objects(
    tenant_id: int, account_id: int, marker: str, *, account_only: bool = False
) -> dict[str, Any]:
    """{course_id, section_id, lesson_id, attachment_id} of a published course."""
    tenant = snapshot_by_id(tenant_id)
    assert tenant is not None
    course = service.create_course(tenant, f"{marker} course", f"{marker} summary")
    section = service.add_section(tenant, course, f"{marker} section")
    lesson = service.add_lesson(tenant, section, f"{marker} lesson", f"{marker} body", "")
    attachment = service.add_attachment(
        tenant, lesson, FileStorage(BytesIO(f"{marker} handout".encode()), f"{marker} notes.txt")
    )
    if account_only:
        service.set_access(tenant, course, service.Access(False, account_ids=(account_id,)))
    service.publish(tenant, course)
    return {
        "course_id": course.id,
        "section_id": section.id,
        "lesson_id": lesson.id,
        "attachment_id": attachment.id,
    }
