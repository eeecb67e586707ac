"""The course lists run the same number of SQL statements with 10 rows as with 100: the
client's Courses, the staff course list and a course's progress view."""

from __future__ import annotations

from typing import Any

import pytest

from portal.clients.models import Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.courses.models import Course, CourseSection, Lesson, LessonProgress
from tests.fixtures.queries import counting


def add_courses(tenant_id: int, contact_id: int, start: int, stop: int) -> None:
    """Published courses with one lesson each, the contact half way through the even ones."""
    for number in range(start, stop):
        course = Course(
            tenant_id=tenant_id, title=f"Course {number:04d}", status="published", open_to_all=True
        )
        db.session.add(course)
        db.session.flush()
        section = CourseSection(tenant_id=tenant_id, course_id=course.id, title="Part")
        db.session.add(section)
        db.session.flush()
        lesson = Lesson(
            tenant_id=tenant_id, course_id=course.id, section_id=section.id, title="Lesson"
        )
        db.session.add(lesson)
        db.session.flush()
        if number % 2 == 0:
            db.session.add(
                LessonProgress(
                    tenant_id=tenant_id,
                    contact_id=contact_id,
                    lesson_id=lesson.id,
                    course_id=course.id,
                    completed_at=utcnow(),
                )
            )
    db.session.commit()


def add_learners(tenant_id: int, course: Course, lesson: Lesson, start: int, stop: int) -> None:
    for number in range(start, stop):
        person = Contact(tenant_id=tenant_id, email=f"learner{number:04d}@clients.example")
        db.session.add(person)
        db.session.flush()
        db.session.add(
            LessonProgress(
                tenant_id=tenant_id,
                contact_id=person.id,
                lesson_id=lesson.id,
                course_id=course.id,
                completed_at=utcnow() if number % 2 else None,
            )
        )
    db.session.commit()


def count_statements(browser: Any, page: str, expected: str) -> int:
    assert browser.get(page).status_code == 200  # warm the caches
    db.session.expire_all()
    with counting() as statements:
        response = browser.get(page)
    assert response.status_code == 200
    assert expected in response.get_data(as_text=True), "rows not listed"
    return len(statements)


@pytest.mark.slow  # 100 courses inserted, each page counted twice
@pytest.mark.parametrize("who", ["client", "staff"])
def test_course_lists_query_count_does_not_grow_with_rows(
    tenant: Any, contact: Any, client: Any, firm: Any, who: str
) -> None:
    browser, page = (client, "/courses/?page=1") if who == "client" else (firm, "/admin/courses/")
    counts: dict[int, int] = {}
    made = 0
    for size in (10, 100):
        add_courses(tenant.id, contact.id, made, size)
        made = size
        counts[size] = count_statements(browser, page, "Course 0009")
    assert len(set(counts.values())) == 1, f"{page}: statements per request by rows: {counts}"
    assert 'rel="next"' in browser.get(page).get_data(as_text=True), "100 courses on one page"


@pytest.mark.slow
def test_progress_view_query_count_does_not_grow_with_rows(
    tenant: Any, firm: Any, make_course: Any
) -> None:
    course = make_course(tenant)
    lesson = db.session.query(Lesson).filter_by(course_id=course.id).first()
    counts: dict[int, int] = {}
    made = 0
    for size in (10, 100):
        add_learners(tenant.id, course, lesson, made, size)
        made = size
        counts[size] = count_statements(
            firm, f"/admin/courses/{course.id}/progress", "@clients.example</td>"
        )
    assert len(set(counts.values())) == 1, f"statements per request by rows: {counts}"
    progress = firm.get(f"/admin/courses/{course.id}/progress").get_data(as_text=True)
    assert 'rel="next"' in progress, "100 learners on one page"
