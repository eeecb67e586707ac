"""Courses: sections and lessons in order, lesson attachments, who may take a course, and each
contact's progress.

A course is open to every client (`open_to_all`) or to the accounts, account tags and contacts
granted it (three small tables, so each grant has a real foreign key). Progress belongs to the
contact, not the account: a person who switches account keeps what they completed.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import utcnow
from portal.core.extensions import Model
from tenants.scoping import TenantOwned

TITLE_MAX = 200
SUMMARY_MAX = 2_000
VIDEO_URL_MAX = 500


class CourseStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


def _course_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["tenant_id", "course_id"], ["courses.tenant_id", "courses.id"])


class Course(TenantOwned, Model):
    __tablename__ = "courses"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        Index("ix_courses_tenant_status_title", "tenant_id", "status", "title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=CourseStatus.DRAFT)
    open_to_all: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    @property
    def is_published(self) -> bool:
        return self.status == CourseStatus.PUBLISHED


class CourseSection(TenantOwned, Model):
    __tablename__ = "course_sections"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        _course_fk(),
        Index("ix_course_sections_tenant_course", "tenant_id", "course_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int]
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    position: Mapped[int] = mapped_column(default=0)


class Lesson(TenantOwned, Model):
    """Body is Markdown (rendered by `portal.courses.markdown`); `video_url` is the address
    staff pasted, checked against the allowed hosts (`portal.courses.video`)."""

    __tablename__ = "course_lessons"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        _course_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "section_id"], ["course_sections.tenant_id", "course_sections.id"]
        ),
        Index("ix_course_lessons_tenant_course", "tenant_id", "course_id"),
        Index("ix_course_lessons_tenant_section", "tenant_id", "section_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int]
    section_id: Mapped[int]
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text, default="")
    video_url: Mapped[str] = mapped_column(String(VIDEO_URL_MAX), default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LessonAttachment(TenantOwned, Model):
    """A downloadable file of a lesson, stored through `portal.core.storage`."""

    __tablename__ = "course_attachments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "lesson_id"], ["course_lessons.tenant_id", "course_lessons.id"]
        ),
        Index("ix_course_attachments_tenant_lesson", "tenant_id", "lesson_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int]
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(120))
    storage_key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Attachments are deleted outright, never trashed; downloads check this like client files.
    deleted_at = None


class CourseAccount(TenantOwned, Model):
    """The course is open to every contact of this account (while they are looking at it)."""

    __tablename__ = "course_accounts"
    __table_args__ = (
        _course_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        Index("ix_course_accounts_tenant_account", "tenant_id", "account_id"),
    )

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(primary_key=True)


class CourseTag(TenantOwned, Model):
    """The course is open to accounts carrying this tag (lowercased, as `AccountTag`)."""

    __tablename__ = "course_tags"
    __table_args__ = (_course_fk(), Index("ix_course_tags_tenant_tag", "tenant_id", "tag"))

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(String(50), primary_key=True)


class CourseContact(TenantOwned, Model):
    """The course is granted to this person, whichever account they are looking at."""

    __tablename__ = "course_contacts"
    __table_args__ = (
        _course_fk(),
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
        Index("ix_course_contacts_tenant_contact", "tenant_id", "contact_id"),
    )

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(primary_key=True)


class LessonProgress(TenantOwned, Model):
    """One contact's visit to one lesson: when they last opened it, and when they completed it.
    `course_id` is copied from the lesson so a course's progress is one indexed lookup."""

    __tablename__ = "course_progress"
    __table_args__ = (
        _course_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "lesson_id"], ["course_lessons.tenant_id", "course_lessons.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
        Index("ix_course_progress_tenant_course_contact", "tenant_id", "course_id", "contact_id"),
    )

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int]
    last_opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
