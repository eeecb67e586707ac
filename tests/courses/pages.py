"""Rows the phone-size and accessibility browser test needs for the course pages."""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import TYPE_CHECKING

from werkzeug.datastructures import FileStorage

from portal.core.extensions import db
from portal.courses import progress, service
from tenants.resolution import snapshot_by_id

if TYPE_CHECKING:  # client_pages imports this module for its page list
    from tests.e2e.client_pages import Seed


def courses_seed(seed: Seed) -> Mapping[str, object]:
    """A published course of two lessons (a video, a download, long words), the first done."""
    tenant = snapshot_by_id(seed.tenant_id)
    assert tenant is not None
    course = service.create_course(
        tenant, "Getting ready for tax season", "What to gather, and when. " + "x" * 90
    )
    section = service.add_section(tenant, course, "Paperwork")
    first = service.add_lesson(
        tenant,
        section,
        "Gather your receipts",
        "## Why\n\nKeep **every** receipt.\n\n| Month | Amount |\n|---|---|\n| Jan | 12.50 |",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    service.add_attachment(
        tenant, first, FileStorage(BytesIO(b"date,amount\n"), "receipts-template.csv")
    )
    second = service.add_lesson(tenant, section, "Sign the engagement letter", "- Read\n- Sign", "")
    service.publish(tenant, course)
    lesson = db.session.get(type(first), first.id)
    assert lesson is not None
    progress.set_completed(tenant, seed.contact_id, lesson, True)
    db.session.commit()
    return {"course_id": course.id, "lesson_id": first.id, "next_lesson_id": second.id}
