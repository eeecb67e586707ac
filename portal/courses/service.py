"""Staff authoring: courses, their ordered sections and lessons, attachments, access and
publishing. Every function takes the tenant snapshot, adds or changes rows, and leaves the
commit to the caller; refusals are `UserError`s naming the form field."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import delete, func, select
from werkzeug.datastructures import FileStorage

from portal.clients.models import ClientAccount, Contact
from portal.core.database import after_commit, utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.storage import storage
from portal.courses.markdown import MARKDOWN_MAX_CHARS
from portal.courses.models import (
    SUMMARY_MAX,
    TITLE_MAX,
    Course,
    CourseAccount,
    CourseContact,
    CourseSection,
    CourseStatus,
    CourseTag,
    Lesson,
    LessonAttachment,
    LessonProgress,
)
from portal.courses.video import checked_video_url
from portal.files.uploads import store_checked
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

TAG_MAX = 50
GRANTS_MAX = 500  # accounts, tags or people on one course: a picker, not a bulk import
ATTACHMENTS_MAX = 20
Positioned = TypeVar("Positioned", CourseSection, Lesson)


@dataclass(frozen=True, slots=True)
class Access:
    open_to_all: bool
    account_ids: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    contact_ids: tuple[int, ...] = ()


def _title(raw: str | None, field: str = "title") -> str:
    title = " ".join((raw or "").split())
    if not title:
        raise UserError("Enter a title.", field)
    if len(title) > TITLE_MAX:
        raise UserError(f"Titles can be at most {TITLE_MAX} characters.", field)
    return title


def _text(raw: str | None, limit: int, field: str) -> str:
    text = (raw or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise UserError(
            f"This is {len(text):,} characters long; at most {limit:,} fit.".replace(",", " "),
            field,
        )
    return text


def _touch(course: Course) -> None:
    course.updated_at = utcnow()


# --- courses ---------------------------------------------------------------------------------


def create_course(tenant: TenantSnapshot, title: str | None, summary: str | None) -> Course:
    course = Course(
        tenant_id=tenant.id,
        title=_title(title),
        summary=_text(summary, SUMMARY_MAX, "summary"),
        status=CourseStatus.DRAFT,
        open_to_all=True,
    )
    db.session.add(course)
    db.session.flush()
    return course


def update_course(
    tenant: TenantSnapshot, course: Course, title: str | None, summary: str | None
) -> None:
    course.title = _title(title)
    course.summary = _text(summary, SUMMARY_MAX, "summary")
    _touch(course)


def lesson_count(tenant: TenantSnapshot, course: Course) -> int:
    query = select(func.count(Lesson.id)).where(
        Lesson.tenant_id == tenant.id, Lesson.course_id == course.id
    )
    return int(db.session.scalar(query) or 0)


def publish(tenant: TenantSnapshot, course: Course) -> bool:
    """Publish the course; False when it already was (nobody is told twice)."""
    if course.is_published:
        return False
    if lesson_count(tenant, course) == 0:
        raise UserError("Add at least one lesson before publishing the course.", "status")
    course.status = CourseStatus.PUBLISHED
    course.published_at = course.published_at or utcnow()
    _touch(course)
    return True


def unpublish(tenant: TenantSnapshot, course: Course) -> None:
    """Back to draft: clients no longer see it; their progress is kept for a re-publish."""
    course.status = CourseStatus.DRAFT
    _touch(course)


def delete_course(tenant: TenantSnapshot, course: Course) -> None:
    lessons = list(db.session.scalars(owned(Lesson, tenant, Lesson.course_id == course.id)))
    _delete_lessons(tenant, lessons)
    for model in (CourseAccount, CourseTag, CourseContact, CourseSection):
        db.session.execute(
            delete(model).where(model.tenant_id == tenant.id, model.course_id == course.id)
        )
    db.session.delete(course)


# --- access ----------------------------------------------------------------------------------


def clean_tags(raw: Iterable[str]) -> tuple[str, ...]:
    """Tags as accounts store them: trimmed, lowercased, no repeats, in the order given."""
    tags: dict[str, None] = {}
    for entry in raw:
        for part in entry.split(","):
            tag = " ".join(part.split()).lower()
            if not tag:
                continue
            if len(tag) > TAG_MAX:
                raise UserError(f"Tags can be at most {TAG_MAX} characters.", "tags")
            tags[tag] = None
    return tuple(tags)


def _existing(model: Any, tenant: TenantSnapshot, ids: Sequence[int], field: str) -> list[int]:
    wanted = sorted(set(ids))
    if len(wanted) > GRANTS_MAX:
        raise UserError(f"Choose at most {GRANTS_MAX}; use a tag for larger groups.", field)
    if not wanted:
        return []
    found = set(
        db.session.scalars(
            select(model.id).where(model.tenant_id == tenant.id, model.id.in_(wanted))
        )
    )
    if found != set(wanted):
        noun = "accounts" if model is ClientAccount else "people"
        raise UserError(f"Some of the chosen {noun} no longer exist. Choose again.", field)
    return wanted


def set_access(tenant: TenantSnapshot, course: Course, access: Access) -> None:
    """Replace who may take the course. Chosen access needs at least one account, tag or
    person: a course open to nobody is a mistake, not a setting."""
    account_ids = _existing(ClientAccount, tenant, access.account_ids, "account_ids")
    contact_ids = _existing(Contact, tenant, access.contact_ids, "contact_ids")
    tags = clean_tags(access.tags)
    if len(tags) > GRANTS_MAX:
        raise UserError(f"Choose at most {GRANTS_MAX} tags.", "tags")
    if not access.open_to_all and not (account_ids or tags or contact_ids):
        raise UserError(
            "Choose at least one account, tag or person, or open the course to all clients.",
            "open_to_all",
        )
    for model in (CourseAccount, CourseTag, CourseContact):
        db.session.execute(
            delete(model).where(model.tenant_id == tenant.id, model.course_id == course.id)
        )
    course.open_to_all = access.open_to_all
    grants: list[Any] = [
        *(
            CourseAccount(tenant_id=tenant.id, course_id=course.id, account_id=i)
            for i in account_ids
        ),
        *(CourseTag(tenant_id=tenant.id, course_id=course.id, tag=t) for t in tags),
        *(
            CourseContact(tenant_id=tenant.id, course_id=course.id, contact_id=i)
            for i in contact_ids
        ),
    ]
    db.session.add_all(grants)
    _touch(course)


def access_of(
    tenant: TenantSnapshot, course: Course
) -> tuple[list[ClientAccount], list[str], list[Contact]]:
    """The course's granted accounts, tags and people, for the access form."""
    accounts = db.session.scalars(
        owned(ClientAccount, tenant)
        .join(
            CourseAccount,
            (CourseAccount.tenant_id == ClientAccount.tenant_id)
            & (CourseAccount.account_id == ClientAccount.id),
        )
        .where(CourseAccount.course_id == course.id)
        .order_by(ClientAccount.name)
    )
    tags = db.session.scalars(
        select(CourseTag.tag)
        .where(CourseTag.tenant_id == tenant.id, CourseTag.course_id == course.id)
        .order_by(CourseTag.tag)
    )
    contacts = db.session.scalars(
        owned(Contact, tenant)
        .join(
            CourseContact,
            (CourseContact.tenant_id == Contact.tenant_id)
            & (CourseContact.contact_id == Contact.id),
        )
        .where(CourseContact.course_id == course.id)
        .order_by(Contact.name, Contact.email)
    )
    return list(accounts), list(tags), list(contacts)


# --- sections and lessons --------------------------------------------------------------------


def sections_of(tenant: TenantSnapshot, course_id: int) -> list[CourseSection]:
    query = owned(CourseSection, tenant, CourseSection.course_id == course_id).order_by(
        CourseSection.position, CourseSection.id
    )
    return list(db.session.scalars(query))


def lessons_of(tenant: TenantSnapshot, course_id: int) -> list[Lesson]:
    """Every lesson of the course in reading order (section order, then lesson order)."""
    query = (
        owned(Lesson, tenant, Lesson.course_id == course_id)
        .join(
            CourseSection,
            (CourseSection.tenant_id == Lesson.tenant_id) & (CourseSection.id == Lesson.section_id),
        )
        .order_by(CourseSection.position, CourseSection.id, Lesson.position, Lesson.id)
    )
    return list(db.session.scalars(query))


def _next_position(model: type[Positioned], tenant: TenantSnapshot, *criteria: Any) -> int:
    query = select(func.max(model.position)).where(model.tenant_id == tenant.id, *criteria)
    return int(db.session.scalar(query) or 0) + 1


def add_section(tenant: TenantSnapshot, course: Course, title: str | None) -> CourseSection:
    section = CourseSection(
        tenant_id=tenant.id,
        course_id=course.id,
        title=_title(title),
        position=_next_position(CourseSection, tenant, CourseSection.course_id == course.id),
    )
    db.session.add(section)
    db.session.flush()
    _touch(course)
    return section


def rename_section(tenant: TenantSnapshot, section: CourseSection, title: str | None) -> None:
    section.title = _title(title)


def _swap(siblings: list[Positioned], item: Positioned, step: int) -> bool:
    """Move `item` one place up (-1) or down (+1) among `siblings`; False at either end."""
    index = next(i for i, sibling in enumerate(siblings) if sibling.id == item.id)
    other = index + step
    if other < 0 or other >= len(siblings):
        return False
    for number, sibling in enumerate(siblings, start=1):
        sibling.position = number  # renumber, so ties from old rows never block a move
    siblings[index].position, siblings[other].position = (
        siblings[other].position,
        siblings[index].position,
    )
    return True


def move_section(tenant: TenantSnapshot, section: CourseSection, step: int) -> bool:
    return _swap(sections_of(tenant, section.course_id), section, step)


def delete_section(tenant: TenantSnapshot, section: CourseSection) -> None:
    lessons = list(db.session.scalars(owned(Lesson, tenant, Lesson.section_id == section.id)))
    _delete_lessons(tenant, lessons)
    db.session.delete(section)


def add_lesson(
    tenant: TenantSnapshot,
    section: CourseSection,
    title: str | None,
    body: str | None,
    video_url: str | None,
) -> Lesson:
    lesson = Lesson(
        tenant_id=tenant.id,
        course_id=section.course_id,
        section_id=section.id,
        title=_title(title),
        body=_text(body, MARKDOWN_MAX_CHARS, "body"),
        video_url=checked_video_url(video_url),
        position=_next_position(Lesson, tenant, Lesson.section_id == section.id),
    )
    db.session.add(lesson)
    db.session.flush()
    return lesson


def update_lesson(
    tenant: TenantSnapshot,
    lesson: Lesson,
    title: str | None,
    body: str | None,
    video_url: str | None,
    section: CourseSection | None = None,
) -> None:
    lesson.title = _title(title)
    lesson.body = _text(body, MARKDOWN_MAX_CHARS, "body")
    lesson.video_url = checked_video_url(video_url)
    if section is not None and section.id != lesson.section_id:
        if section.course_id != lesson.course_id:
            raise UserError("That section belongs to another course.", "section_id")
        lesson.section_id = section.id
        lesson.position = _next_position(Lesson, tenant, Lesson.section_id == section.id)


def move_lesson(tenant: TenantSnapshot, lesson: Lesson, step: int) -> bool:
    siblings = owned(Lesson, tenant, Lesson.section_id == lesson.section_id).order_by(
        Lesson.position, Lesson.id
    )
    return _swap(list(db.session.scalars(siblings)), lesson, step)


def delete_lesson(tenant: TenantSnapshot, lesson: Lesson) -> None:
    _delete_lessons(tenant, [lesson])


def _delete_lessons(tenant: TenantSnapshot, lessons: list[Lesson]) -> None:
    """Lessons with their progress and attachments; the stored bytes go after the commit."""
    ids = [lesson.id for lesson in lessons]
    if not ids:
        return
    keys = db.session.scalars(
        select(LessonAttachment.storage_key).where(
            LessonAttachment.tenant_id == tenant.id, LessonAttachment.lesson_id.in_(ids)
        )
    ).all()
    for model in (LessonProgress, LessonAttachment):
        db.session.execute(
            delete(model).where(model.tenant_id == tenant.id, model.lesson_id.in_(ids))
        )
    db.session.execute(delete(Lesson).where(Lesson.tenant_id == tenant.id, Lesson.id.in_(ids)))
    if keys:
        after_commit(_delete_stored, *keys)


def _delete_stored(*keys: str) -> None:
    for key in keys:
        storage().delete(key)


# --- attachments -----------------------------------------------------------------------------


def attachments_of(tenant: TenantSnapshot, lesson_id: int) -> list[LessonAttachment]:
    query = owned(LessonAttachment, tenant, LessonAttachment.lesson_id == lesson_id).order_by(
        LessonAttachment.name, LessonAttachment.id
    )
    return list(db.session.scalars(query))


def attachment_bytes(tenant: TenantSnapshot) -> int:
    """Bytes the firm's lesson attachments take, counted against its storage quota."""
    query = select(func.coalesce(func.sum(LessonAttachment.size), 0)).where(
        LessonAttachment.tenant_id == tenant.id
    )
    return int(db.session.scalar(query) or 0)


def add_attachment(tenant: TenantSnapshot, lesson: Lesson, upload: FileStorage) -> LessonAttachment:
    """Check and store one file for the lesson (the same checks as client files)."""
    if not upload.filename:
        raise UserError("Choose a file to attach.", "file")
    count = db.session.scalar(
        select(func.count(LessonAttachment.id)).where(
            LessonAttachment.tenant_id == tenant.id, LessonAttachment.lesson_id == lesson.id
        )
    )
    if (count or 0) >= ATTACHMENTS_MAX:
        raise UserError(f"A lesson can have at most {ATTACHMENTS_MAX} attachments.", "file")
    stored = store_checked(tenant, upload, area="courses", other_usage=attachment_bytes(tenant))
    attachment = LessonAttachment(
        tenant_id=tenant.id,
        lesson_id=lesson.id,
        name=stored.name,
        size=stored.size,
        content_type=stored.content_type,
        storage_key=stored.storage_key,
        sha256=stored.sha256,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def delete_attachment(tenant: TenantSnapshot, attachment: LessonAttachment) -> None:
    db.session.delete(attachment)
    after_commit(_delete_stored, attachment.storage_key)
