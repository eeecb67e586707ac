"""Who hears of what in the community, through the notification centre (its preferences and
email grouping): members of a new post, authors of a comment, staff of a report."""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy import select

from portal.auth.models import StaffMember
from portal.auth.principals import PrincipalKind
from portal.community.access import members_with_access
from portal.community.models import AuthorKind, Comment, Group, Post, Report
from portal.core.extensions import db
from portal.modules.service import is_enabled
from portal.notifications.service import Event, Recipient, notify
from tenants.snapshot import TenantSnapshot

NEW_POST = "community.post"
NEW_COMMENT = "community.comment"
REPORTED = "community.report"
MODULE = "community"


def post_path(group_id: int, post_id: int) -> str:
    return f"/{MODULE}/{group_id}/posts/{post_id}"


def group_key_of_group(group_id: int) -> str:
    """New posts of one group share an email: "3 new posts in Landlords"."""
    return f"community-group:{group_id}"


def group_key_of_post(post_id: int) -> str:
    return f"community-post:{post_id}"


def _author_name(tenant: TenantSnapshot, item: Post | Comment) -> str:
    if item.author_kind == AuthorKind.STAFF:
        return tenant.portal_name or tenant.name
    return item.author_name or "A member"


def new_post(tenant: TenantSnapshot, group: Group, post: Post) -> None:
    if not is_enabled(tenant.id, MODULE):
        return
    author = Recipient(post.author_kind, post.author_id)
    recipients = [
        r
        for r in (
            Recipient(PrincipalKind.CLIENT.value, i) for i in members_with_access(tenant, group)
        )
        if r != author
    ]
    notify(
        tenant,
        recipients,
        Event(
            kind=NEW_POST,
            title=lazy_gettext(
                "New post in %(group)s from %(author)s",
                group=group.name,
                author=_author_name(tenant, post),
            ),
            body=post.body,
            path=post_path(group.id, post.id),
            group_key=group_key_of_group(group.id),
        ),
    )


def new_comment(tenant: TenantSnapshot, group: Group, post: Post, comment: Comment) -> None:
    """The post's author hears of comments by others (staff posts have no one author)."""
    if post.author_kind != AuthorKind.CLIENT or not is_enabled(tenant.id, MODULE):
        return
    if comment.author_kind == post.author_kind and comment.author_id == post.author_id:
        return
    if post.author_id not in members_with_access(tenant, group):
        return
    notify(
        tenant,
        [Recipient(PrincipalKind.CLIENT.value, post.author_id)],
        Event(
            kind=NEW_COMMENT,
            title=lazy_gettext(
                "New comment on your post in %(group)s from %(author)s",
                group=group.name,
                author=_author_name(tenant, comment),
            ),
            body=comment.body,
            path=post_path(group.id, post.id) + f"#comment-{comment.id}",
            group_key=group_key_of_post(post.id),
        ),
    )


def reported(tenant: TenantSnapshot, group: Group, report: Report) -> None:
    """Every active staff member: moderation is the team's shared job."""
    staff_ids = db.session.scalars(
        select(StaffMember.id).where(
            StaffMember.tenant_id == tenant.id, StaffMember.disabled_at.is_(None)
        )
    )
    what = "comment" if report.comment_id else "post"
    notify(
        tenant,
        [Recipient(PrincipalKind.STAFF.value, i) for i in staff_ids],
        Event(
            kind=REPORTED,
            title=f"A {what} in {group.name} was reported by {report.reporter_name}"[:200],
            body=report.reason,
            path="/admin/community/reports",
            group_key="community-reports",
        ),
    )
