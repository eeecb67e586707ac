"""Demo data: one published course open to all clients, with one lesson done by the demo
client, so `foyer demo` shows Courses in use. Sends nothing."""

from __future__ import annotations

from portal.core.extensions import db
from portal.courses import progress, service
from portal.courses.models import Course
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

TITLE = "Getting ready for tax season"
SECTIONS = (
    (
        "Before you start",
        (
            (
                "Welcome",
                "## What this course covers\n\nFour short lessons on getting your papers "
                "together **before** we prepare your return. Tick each lesson off as you go.",
                "",
            ),
            (
                "How the portal helps",
                "Watch this two-minute tour, then open **Files** to see your checklist.\n\n"
                "- Upload documents from your phone\n- Answer our requests in one place",
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            ),
        ),
    ),
    (
        "Your documents",
        (
            (
                "Income papers",
                "Collect every **W-2**, **1099** and statement of other income.\n\n"
                "1. One W-2 per employer\n2. 1099-INT from each bank\n3. Rental income records",
                "",
            ),
            (
                "Deductions and credits",
                "Keep receipts for charitable gifts, childcare and medical costs. "
                "A photo is fine — see [IRS Publication 17](https://www.irs.gov/pub17) "
                "for what counts.",
                "",
            ),
        ),
    ),
)


def seed_course(tenant: TenantSnapshot, learner_contact_id: int) -> None:
    """Once per demo firm (nothing is added when it already has courses). The caller commits."""
    if db.session.scalar(owned(Course, tenant).limit(1)) is not None:
        return
    course = service.create_course(
        tenant, TITLE, "A short checklist course: what to gather and how to send it to us."
    )
    lessons = [
        service.add_lesson(tenant, section, title, body, video)
        for section_title, items in SECTIONS
        for section in [service.add_section(tenant, course, section_title)]
        for title, body, video in items
    ]
    service.publish(tenant, course)
    progress.set_completed(tenant, learner_contact_id, lessons[0], True)
