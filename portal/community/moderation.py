"""What staff do to keep a group civil, and what clients report to them: pin, hide, remove,
mute a member for some days, and the reports queue. The caller commits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select

from portal.community import notices
from portal.community.access import join
from portal.community.models import (
    REASON_MAX,
    Comment,
    Group,
    Membership,
    Post,
    Report,
    ReportStatus,
)
from portal.community.posts import Author, RateLimited
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.ratelimit import hit
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

REPORT_RATE = "10/hour"
MUTE_DAYS_MAX = 365
POST_ACTIONS = ("pin", "unpin", "hide", "unhide", "remove")
COMMENT_ACTIONS = ("hide", "unhide", "remove")


def moderate_post(post: Post, action: str) -> None:
    if action not in POST_ACTIONS:
        raise UserError("Unknown action.")
    if action in ("pin", "unpin"):
        post.pinned = action == "pin"
    elif action == "hide":
        post.hidden_at = post.hidden_at or utcnow()
    elif action == "unhide":
        post.hidden_at = None
    else:
        post.removed_at = utcnow()
        post.pinned = False


def moderate_comment(post: Post, comment: Comment, action: str) -> None:
    """Hide, unhide or remove; the post's visible comment count follows."""
    if action not in COMMENT_ACTIONS:
        raise UserError("Unknown action.")
    was_visible = comment.hidden_at is None and comment.removed_at is None
    if action == "hide":
        comment.hidden_at = comment.hidden_at or utcnow()
    elif action == "unhide":
        comment.hidden_at = None
    else:
        comment.removed_at = utcnow()
    now_visible = comment.hidden_at is None and comment.removed_at is None
    if was_visible != now_visible:
        post.comment_count = Post.comment_count + (1 if now_visible else -1)


def mute(tenant: TenantSnapshot, group: Group, contact_id: int, days: int | None) -> Membership:
    """The member can read but not write in the group for `days` days."""
    if days is None or not 1 <= days <= MUTE_DAYS_MAX:
        raise UserError(f"Choose between 1 and {MUTE_DAYS_MAX} days.", field="days")
    member = join(tenant, group, contact_id)
    member.muted_until = utcnow() + timedelta(days=days)
    return member


def unmute(tenant: TenantSnapshot, group: Group, contact_id: int) -> None:
    member = db.session.get(Membership, (tenant.id, group.id, contact_id))
    if member is not None:
        member.muted_until = None


def members_query(tenant: TenantSnapshot, group_id: int) -> Select[Any]:
    return owned(Membership, tenant, Membership.group_id == group_id).order_by(
        Membership.joined_at.desc(), Membership.contact_id
    )


def report(
    tenant: TenantSnapshot,
    group: Group,
    post: Post,
    comment: Comment | None,
    reporter: Author,
    reason: str,
) -> Report:
    text = " ".join((reason or "").split())
    if not text:
        raise UserError(_("Tell us briefly what is wrong with it."), field="reason")
    if len(text) > REASON_MAX:
        raise UserError(
            _("Keep the reason under %(limit)d characters.", limit=REASON_MAX), field="reason"
        )
    retry_after = hit(REPORT_RATE, "community", "report", tenant.id, reporter.id)
    if retry_after is not None:
        raise RateLimited(
            _("You have sent many reports in the last hour; please try again later."),
            retry_after,
            field="reason",
        )
    row = Report(
        tenant_id=tenant.id,
        post_id=post.id,
        comment_id=comment.id if comment is not None else None,
        reporter_id=reporter.id,
        reporter_name=reporter.name[:200],
        reason=text,
    )
    db.session.add(row)
    db.session.flush()
    notices.reported(tenant, group, row)
    return row


def reports_query(tenant: TenantSnapshot, status: str) -> Select[Any]:
    """Reports with their post, group and comment: one row per report, one query a page."""
    wanted = status if status in set(ReportStatus) else ReportStatus.OPEN
    order = Report.id.desc() if wanted == ReportStatus.RESOLVED else Report.id
    return (
        owned(Report, tenant, Report.status == wanted)
        .add_columns(Post, Group, Comment)
        .join(Post, (Post.tenant_id == Report.tenant_id) & (Post.id == Report.post_id))
        .join(Group, (Group.tenant_id == Post.tenant_id) & (Group.id == Post.group_id))
        .outerjoin(
            Comment, (Comment.tenant_id == Report.tenant_id) & (Comment.id == Report.comment_id)
        )
        .order_by(order)
    )


def resolve(found: Report, staff_name: str) -> None:
    if found.status == ReportStatus.RESOLVED:
        return
    found.status = ReportStatus.RESOLVED
    found.resolved_at = utcnow()
    found.resolved_by_name = staff_name[:200]
