"""What staff pages list: the firm's courses with their lesson and learner counts, and the
people, accounts and tags offered by the access picker."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, distinct, func, or_, select

from portal.clients.models import AccountTag, ClientAccount, Contact
from portal.core.extensions import db
from portal.courses.models import Course, Lesson, LessonProgress
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

SEARCH_LIMIT = 20


def staff_courses_query(tenant: TenantSnapshot) -> Select[Any]:
    """(Course, lessons, learners) for every course of the firm, drafts included, by title."""
    lessons = (
        select(func.count(Lesson.id))
        .where(Lesson.tenant_id == tenant.id, Lesson.course_id == Course.id)
        .correlate(Course)
        .scalar_subquery()
    )
    learners = (
        select(func.count(distinct(LessonProgress.contact_id)))
        .where(LessonProgress.tenant_id == tenant.id, LessonProgress.course_id == Course.id)
        .correlate(Course)
        .scalar_subquery()
    )
    return (
        select(Course, lessons, learners)
        .where(Course.tenant_id == tenant.id)
        .order_by(Course.title, Course.id)
    )


def search_people(tenant: TenantSnapshot, text: str) -> list[Contact]:
    """Contacts whose name or email contains `text` (the picker's type-ahead)."""
    text = text.strip().lower()[:200]
    if not text:
        return []
    pattern = f"%{text}%"
    query = (
        owned(Contact, tenant)
        .where(or_(func.lower(Contact.email).like(pattern), func.lower(Contact.name).like(pattern)))
        .order_by(Contact.name, Contact.email, Contact.id)
        .limit(SEARCH_LIMIT)
    )
    return list(db.session.scalars(query))


def accounts_by_id(tenant: TenantSnapshot, ids: Iterable[int]) -> list[ClientAccount]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    query = owned(ClientAccount, tenant, ClientAccount.id.in_(wanted)).order_by(ClientAccount.name)
    return list(db.session.scalars(query))


def people_by_id(tenant: TenantSnapshot, ids: Iterable[int]) -> list[Contact]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    query = owned(Contact, tenant, Contact.id.in_(wanted)).order_by(Contact.name, Contact.email)
    return list(db.session.scalars(query))


def known_tags(tenant: TenantSnapshot) -> list[str]:
    """Tags the firm's accounts carry, offered as suggestions."""
    query = (
        select(AccountTag.tag)
        .distinct()
        .where(AccountTag.tenant_id == tenant.id)
        .order_by(AccountTag.tag)
        .limit(200)
    )
    return list(db.session.scalars(query))
