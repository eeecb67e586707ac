"""Telling clients a course is open to them: one in-app notification each (with email and push
as their preferences say) when it is published, and when a published course's access grows."""

from __future__ import annotations

from flask_babel import lazy_gettext

from portal.auth.principals import PrincipalKind
from portal.courses.access import audience
from portal.courses.models import Course
from portal.notifications.service import Event, Recipient, notify
from tenants.snapshot import TenantSnapshot

KIND = "course.published"


def audience_ids(tenant: TenantSnapshot, course: Course) -> set[int]:
    """Contact ids who may take the course now (published or not)."""
    return set(audience(tenant, course))


def course_published(
    tenant: TenantSnapshot, course: Course, already: set[int] | None = None
) -> int:
    """Notify everyone who may take the course except `already` (told before); returns how
    many were notified. A person who has the course through an account is sent to that
    account (opening the notice switches to it). Call in the transaction that publishes or
    widens the course."""
    people = {c: a for c, a in audience(tenant, course).items() if c not in (already or set())}
    by_account: dict[int | None, list[int]] = {}
    for contact_id, account_id in sorted(people.items()):
        by_account.setdefault(account_id, []).append(contact_id)
    for account_id, contact_ids in by_account.items():
        notify(
            tenant,
            [Recipient(PrincipalKind.CLIENT.value, contact_id) for contact_id in contact_ids],
            Event(
                kind=KIND,
                title=lazy_gettext("New course: %(title)s", title=course.title),
                body=course.summary,
                path=f"/courses/{course.id}",
                group_key=f"course:{course.id}",
                account_id=account_id,
            ),
        )
    return len(people)
