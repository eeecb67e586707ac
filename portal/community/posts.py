"""Writing in a group: posts, comments and reactions, with the limits a client can't talk
past (length, rate, mute, the edit window). Callers have already checked that the writer may
see the group; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import Select, case, func, select

from portal.community import notices
from portal.community.access import join, muted_until
from portal.community.models import (
    COMMENT_MAX,
    POST_MAX,
    REACTIONS,
    AuthorKind,
    BodyFormat,
    Comment,
    Group,
    Post,
    Reaction,
)
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.ratelimit import hit
from tenants.scoping import owned, tenant_id_of
from tenants.snapshot import TenantSnapshot

EDIT_WINDOW = timedelta(minutes=15)
POST_RATE = "5/10 minutes"
COMMENT_RATE = "20/10 minutes"
REACTION_RATE = "60/minute"


@dataclass(frozen=True, slots=True)
class Author:
    """Who writes: a client (with the account they are looking at) or staff, as the firm."""

    kind: str  # AuthorKind value
    id: int
    name: str
    account_id: int | None = None

    @property
    def is_client(self) -> bool:
        return self.kind == AuthorKind.CLIENT


class RateLimited(UserError):
    """Too many posts or comments in the window: the form is shown again with 429."""

    def __init__(self, message: str, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class ReactionCount:
    key: str
    emoji: str
    count: int
    mine: bool


def feed_query(tenant: TenantSnapshot | int, group_id: int, *, staff: bool = False) -> Select[Any]:
    """A group's posts, pinned first then newest; clients never see hidden ones."""
    criteria = [Post.group_id == group_id, Post.removed_at.is_(None)]
    if not staff:
        criteria.append(Post.hidden_at.is_(None))
    return owned(Post, tenant, *criteria).order_by(Post.pinned.desc(), Post.id.desc())


def comments_query(
    tenant: TenantSnapshot | int, post_id: int, *, staff: bool = False
) -> Select[Any]:
    criteria = [Comment.post_id == post_id, Comment.removed_at.is_(None)]
    if not staff:
        criteria.append(Comment.hidden_at.is_(None))
    return owned(Comment, tenant, *criteria).order_by(Comment.id)


def post_in_group(
    tenant: TenantSnapshot | int, group_id: int, post_id: int, *, staff: bool = False
) -> Post | None:
    return db.session.scalar(feed_query(tenant, group_id, staff=staff).where(Post.id == post_id))


def comment_on_post(
    tenant: TenantSnapshot | int, post_id: int, comment_id: int, *, staff: bool = False
) -> Comment | None:
    return db.session.scalar(
        comments_query(tenant, post_id, staff=staff).where(Comment.id == comment_id)
    )


def clean_body(text: str, limit: int, field: str = "body") -> str:
    body = (text or "").replace("\r\n", "\n").strip()
    if not body:
        raise UserError(_("Write something first."), field=field)
    if len(body) > limit:
        raise UserError(
            _(
                "That is %(length)d characters; the limit is %(limit)d. Shorten it a little.",
                length=len(body),
                limit=limit,
            ),
            field=field,
        )
    return body


def _check_client_may_write(
    tenant: TenantSnapshot, group: Group, author: Author, rule: str, what: str
) -> None:
    """Muted members can't write; everyone has a rate limit (staff are not limited)."""
    if not author.is_client:
        return
    until = muted_until(join(tenant, group, author.id))
    if until is not None:
        raise UserError(
            _(
                "A moderator has paused your posting in this group until %(date)s.",
                date=format_datetime(until, "medium"),
            ),
            field="body",
        )
    retry_after = hit(rule, "community", what, tenant.id, author.id)
    if retry_after is not None:
        minutes = max(1, round(retry_after / 60))
        raise RateLimited(
            _(
                "You have written a lot in a short time. Please try again in %(minutes)d "
                "minute(s); your text is still here.",
                minutes=minutes,
            ),
            retry_after,
            field="body",
        )


def create_post(
    tenant: TenantSnapshot, group: Group, author: Author, body: str, body_format: str
) -> Post:
    text = clean_body(body, POST_MAX)
    fmt = body_format if body_format in set(BodyFormat) else BodyFormat.TEXT
    _check_client_may_write(tenant, group, author, POST_RATE, "post")
    now = utcnow()
    post = Post(
        tenant_id=tenant.id,
        group_id=group.id,
        author_kind=author.kind,
        author_id=author.id,
        author_name=author.name[:200],
        account_id=author.account_id,
        body=text,
        body_format=fmt,
        created_at=now,
    )
    db.session.add(post)
    group.last_post_at = now
    db.session.flush()
    notices.new_post(tenant, group, post)
    return post


def may_edit(post: Post | Comment, author: Author, now: datetime | None = None) -> bool:
    """The author, within the edit window."""
    mine = post.author_kind == author.kind and post.author_id == author.id
    return mine and (now or utcnow()) - post.created_at <= EDIT_WINDOW


def is_author(item: Post | Comment, author: Author) -> bool:
    return item.author_kind == author.kind and item.author_id == author.id


def edit_post(post: Post, author: Author, body: str, body_format: str) -> None:
    if not may_edit(post, author):
        raise UserError(
            _("Posts can be edited for %(minutes)d minutes after posting.", minutes=15),
            field="body",
        )
    post.body = clean_body(body, POST_MAX)
    if body_format in set(BodyFormat):
        post.body_format = body_format
    post.edited_at = utcnow()


def delete_post(post: Post, author: Author) -> None:
    """The author takes their post down (moderators use `moderation.remove_post`)."""
    if not is_author(post, author):
        raise UserError(_("Only the author can delete this post."))
    post.removed_at = utcnow()


def add_comment(
    tenant: TenantSnapshot, group: Group, post: Post, author: Author, body: str
) -> Comment:
    text = clean_body(body, COMMENT_MAX)
    _check_client_may_write(tenant, group, author, COMMENT_RATE, "comment")
    comment = Comment(
        tenant_id=tenant.id,
        post_id=post.id,
        author_kind=author.kind,
        author_id=author.id,
        author_name=author.name[:200],
        account_id=author.account_id,
        body=text,
    )
    db.session.add(comment)
    post.comment_count = Post.comment_count + 1
    db.session.flush()
    notices.new_comment(tenant, group, post, comment)
    return comment


def delete_comment(post: Post, comment: Comment, author: Author) -> None:
    if not is_author(comment, author):
        raise UserError(_("Only the author can delete this comment."))
    if comment.hidden_at is None:
        post.comment_count = Post.comment_count - 1
    comment.removed_at = utcnow()


def toggle_reaction(tenant: TenantSnapshot, post: Post, who: Author, key: str) -> bool:
    """Add the reaction, or take it back if it was there; True when it is now there."""
    if key not in REACTIONS:
        raise UserError(_("Choose one of the reactions shown."), field="emoji")
    retry_after = hit(REACTION_RATE, "community", "react", tenant.id, who.kind, who.id)
    if retry_after is not None:
        raise RateLimited(_("Too many reactions at once; try again shortly."), retry_after)
    ident = (tenant.id, post.id, who.kind, who.id, key)
    existing = db.session.get(Reaction, ident)
    if existing is not None:
        db.session.delete(existing)
        return False
    db.session.add(
        Reaction(
            tenant_id=tenant.id,
            post_id=post.id,
            reactor_kind=who.kind,
            reactor_id=who.id,
            emoji=key,
        )
    )
    return True


def reaction_counts(
    tenant: TenantSnapshot | int, post_ids: list[int], who: Author | None
) -> dict[int, list[ReactionCount]]:
    """Every post's reactions in one query: each emoji with its count and whether `who` gave
    it (all four listed, zero counts included, so the buttons stay in place)."""
    found: dict[tuple[int, str], tuple[int, bool]] = {}
    if post_ids:
        mine = (
            case(
                (
                    (Reaction.reactor_kind == who.kind) & (Reaction.reactor_id == who.id),
                    1,
                ),
                else_=0,
            )
            if who is not None
            else None
        )
        columns: list[Any] = [Reaction.post_id, Reaction.emoji, func.count()]
        columns.append(func.max(mine) if mine is not None else func.max(0))
        rows = db.session.execute(
            select(*columns)
            .where(Reaction.tenant_id == tenant_id_of(tenant), Reaction.post_id.in_(post_ids))
            .group_by(Reaction.post_id, Reaction.emoji)
        ).all()
        found = {(post_id, key): (int(count), bool(me)) for post_id, key, count, me in rows}
    return {
        post_id: [
            ReactionCount(key, emoji, *found.get((post_id, key), (0, False)))
            for key, emoji in REACTIONS.items()
        ]
        for post_id in post_ids
    }
