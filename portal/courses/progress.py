"""A contact's progress through a course: lessons opened and completed, the percentage shown
as a progress bar, and the lesson to resume at (the first one not completed, in order).

Progress = completed lessons / lessons the course has now. A lesson added later lowers the
percentage until it is completed too, so "100 %" always means every lesson was read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select

from portal.clients.models import Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.courses.access import visible_to
from portal.courses.models import Course, Lesson, LessonProgress
from tenants.snapshot import TenantSnapshot


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return (100 * self.done) // self.total if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done >= self.total


@dataclass(frozen=True, slots=True)
class CourseRow:
    """One line of the client's course list."""

    course: Course
    progress: Progress
    last_opened_at: datetime | None


def client_courses_query(tenant: TenantSnapshot, contact_id: int, account_id: int) -> Select[Any]:
    """(Course, lesson count, completed count, last opened) for the client's list, one query."""
    lessons = (
        select(func.count(Lesson.id))
        .where(Lesson.tenant_id == tenant.id, Lesson.course_id == Course.id)
        .correlate(Course)
        .scalar_subquery()
    )
    mine = (LessonProgress.tenant_id == tenant.id) & (LessonProgress.contact_id == contact_id)
    done = (
        select(func.count(LessonProgress.lesson_id))
        .where(
            mine, LessonProgress.course_id == Course.id, LessonProgress.completed_at.is_not(None)
        )
        .correlate(Course)
        .scalar_subquery()
    )
    opened = (
        select(func.max(LessonProgress.last_opened_at))
        .where(mine, LessonProgress.course_id == Course.id)
        .correlate(Course)
        .scalar_subquery()
    )
    return (
        select(Course, lessons, done, opened)
        .where(visible_to(tenant.id, contact_id, account_id))
        .order_by(Course.title, Course.id)
    )


def course_rows(rows: list[Any]) -> list[CourseRow]:
    return [
        CourseRow(course, Progress(int(done or 0), int(total or 0)), opened)
        for course, total, done, opened in rows
    ]


def progress_by_lesson(
    tenant: TenantSnapshot, contact_id: int, course_id: int
) -> dict[int, LessonProgress]:
    query = select(LessonProgress).where(
        LessonProgress.tenant_id == tenant.id,
        LessonProgress.contact_id == contact_id,
        LessonProgress.course_id == course_id,
    )
    return {row.lesson_id: row for row in db.session.scalars(query)}


def summary(lessons: list[Lesson], progress: dict[int, LessonProgress]) -> Progress:
    done = sum(1 for lesson in lessons if _completed(progress.get(lesson.id)))
    return Progress(done, len(lessons))


def resume_lesson(lessons: list[Lesson], progress: dict[int, LessonProgress]) -> Lesson | None:
    """The first lesson in order not completed yet; the first lesson once all are done."""
    for lesson in lessons:
        if not _completed(progress.get(lesson.id)):
            return lesson
    return lessons[0] if lessons else None


def _completed(row: LessonProgress | None) -> bool:
    return row is not None and row.completed_at is not None


def _row(tenant: TenantSnapshot, contact_id: int, lesson: Lesson) -> LessonProgress:
    row = db.session.get(LessonProgress, (tenant.id, contact_id, lesson.id))
    if row is None:
        row = LessonProgress(
            tenant_id=tenant.id,
            contact_id=contact_id,
            lesson_id=lesson.id,
            course_id=lesson.course_id,
        )
        db.session.add(row)
    return row


def record_opened(tenant: TenantSnapshot, contact_id: int, lesson: Lesson) -> None:
    _row(tenant, contact_id, lesson).last_opened_at = utcnow()


def set_completed(tenant: TenantSnapshot, contact_id: int, lesson: Lesson, done: bool) -> None:
    row = _row(tenant, contact_id, lesson)
    row.last_opened_at = utcnow()
    if not done:
        row.completed_at = None
    elif row.completed_at is None:
        row.completed_at = utcnow()


def learners_query(tenant: TenantSnapshot, course_id: int) -> Select[Any]:
    """Staff progress view: (contact id, name, email, lessons completed, last activity) of
    everyone who opened a lesson of the course, the most recently active first."""
    completed: Any = func.count(LessonProgress.completed_at)
    last = func.max(LessonProgress.last_opened_at)
    return (
        select(Contact.id, Contact.name, Contact.email, completed, last)
        .join(
            LessonProgress,
            (LessonProgress.tenant_id == Contact.tenant_id)
            & (LessonProgress.contact_id == Contact.id),
        )
        .where(Contact.tenant_id == tenant.id, LessonProgress.course_id == course_id)
        .group_by(Contact.id, Contact.name, Contact.email)
        .order_by(last.desc(), Contact.id)
    )
