"""Which courses a client sees: published ones of the tenant that are open to all clients, to
the account they are looking at (directly or by one of its tags), or to them in person.

The account is the client's *current* one: a course granted to another of their accounts
shows when they switch to it, so a shared login never mixes what belongs to whom.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select

from portal.clients.models import CONTACT_OF_LINK, AccountContact, AccountTag, Contact
from portal.core.extensions import db
from portal.courses.models import (
    Course,
    CourseAccount,
    CourseContact,
    CourseStatus,
    CourseTag,
)
from tenants.snapshot import TenantSnapshot


def visible_to(tenant_id: int, contact_id: int, account_id: int) -> ColumnElement[bool]:
    """The condition on `Course` for one contact looking at one account."""
    account_tags = select(AccountTag.tag).where(
        AccountTag.tenant_id == tenant_id, AccountTag.account_id == account_id
    )
    return (
        (Course.tenant_id == tenant_id)
        & (Course.status == CourseStatus.PUBLISHED)
        & or_(
            Course.open_to_all,
            exists().where(
                CourseAccount.tenant_id == tenant_id,
                CourseAccount.course_id == Course.id,
                CourseAccount.account_id == account_id,
            ),
            exists().where(
                CourseTag.tenant_id == tenant_id,
                CourseTag.course_id == Course.id,
                CourseTag.tag.in_(account_tags),
            ),
            exists().where(
                CourseContact.tenant_id == tenant_id,
                CourseContact.course_id == Course.id,
                CourseContact.contact_id == contact_id,
            ),
        )
    )


def visible_course(
    tenant: TenantSnapshot, contact_id: int, account_id: int, course_id: int
) -> Course | None:
    query = select(Course).where(
        Course.id == course_id, visible_to(tenant.id, contact_id, account_id)
    )
    return db.session.scalar(query)


def audience(tenant: TenantSnapshot, course: Course) -> dict[int, int | None]:
    """Everyone with portal access (activated) who may now take the course, for the
    "published" notice: contact id → the account to open it in (None: any account will do,
    as for a course open to all or granted to the person)."""
    with_login = (
        select(AccountContact.contact_id, AccountContact.account_id)
        .join(
            Contact,
            CONTACT_OF_LINK,
        )
        .where(
            AccountContact.tenant_id == tenant.id,
            AccountContact.login_enabled,
            Contact.activated_at.is_not(None),
        )
    )
    if course.open_to_all:
        return {contact_id: None for contact_id, _ in db.session.execute(with_login)}
    by_account = select(CourseAccount.account_id).where(
        CourseAccount.tenant_id == tenant.id, CourseAccount.course_id == course.id
    )
    by_tag = select(AccountTag.account_id).where(
        AccountTag.tenant_id == tenant.id,
        AccountTag.tag.in_(
            select(CourseTag.tag).where(
                CourseTag.tenant_id == tenant.id, CourseTag.course_id == course.id
            )
        ),
    )
    granted = with_login.where(
        or_(AccountContact.account_id.in_(by_account), AccountContact.account_id.in_(by_tag))
    ).order_by(AccountContact.account_id.desc())
    people: dict[int, int | None] = {c: a for c, a in db.session.execute(granted)}
    in_person = select(CourseContact.contact_id).where(
        CourseContact.tenant_id == tenant.id, CourseContact.course_id == course.id
    )
    for contact_id, _ in db.session.execute(
        with_login.where(AccountContact.contact_id.in_(in_person))
    ):
        people[contact_id] = None
    return people
