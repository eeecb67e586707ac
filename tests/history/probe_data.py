"""Course progress and a community post of one account, named with a marker: with the rows
the probe world already has (messages, files, documents, invoices, payments) every kind of the
History timeline then holds the marker (tests/security/test_cross_tenant_probe.py)."""

from __future__ import annotations

from portal.community.models import Group, GroupAccount, Post
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.courses.models import Lesson, LessonProgress
from tests.courses.probe_data import course_objects


def history_objects(tenant_id: int, account_id: int, contact_id: int, marker: str) -> None:
    """A lesson the contact completed and a post it wrote in a group, both named `marker`
    and open to this account only (other clients of the firm must not see them anywhere)."""
    course = course_objects(tenant_id, account_id, f"{marker} history", account_only=True)
    lesson = db.session.get(Lesson, course["lesson_id"])
    assert lesson is not None
    group = Group(tenant_id=tenant_id, name=f"{marker} circle", audience="chosen")
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupAccount(tenant_id=tenant_id, group_id=group.id, account_id=account_id))
    db.session.add_all(
        [
            LessonProgress(
                tenant_id=tenant_id,
                contact_id=contact_id,
                lesson_id=lesson.id,
                course_id=lesson.course_id,
                completed_at=utcnow(),
            ),
            Post(
                tenant_id=tenant_id,
                group_id=group.id,
                author_kind="client",
                author_id=contact_id,
                author_name=f"{marker} author",
                account_id=account_id,
                body=f"{marker} post body",
            ),
        ]
    )
    db.session.flush()
