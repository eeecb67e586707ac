"""Community groups: who may see a group (everyone, chosen accounts, chosen tags), its members,
posts, comments, reactions and the reports clients file about them.

A client joins a group by opening it (the access rule decides who may; there is no second
step); the membership row carries what moderation needs (muted until) and whom "new post"
notifications reach. Posts keep their comment count so a feed page never counts rows.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import utcnow
from portal.core.extensions import Model
from tenants.scoping import TenantOwned

NAME_MAX = 100
DESCRIPTION_MAX = 500
POST_MAX = 10_000
COMMENT_MAX = 2_000
REASON_MAX = 500


class Audience(enum.StrEnum):
    ALL = "all"  # every client with portal access
    CHOSEN = "chosen"  # clients of the chosen accounts, or of accounts with a chosen tag


class AuthorKind(enum.StrEnum):
    CLIENT = "client"
    STAFF = "staff"  # shown as the firm


class BodyFormat(enum.StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"


class Role(enum.StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


# The fixed set of reactions: form value → emoji. One per person per emoji, toggled.
REACTIONS: dict[str, str] = {"thumbs_up": "👍", "heart": "❤️", "tada": "🎉", "pray": "🙏"}


class Group(TenantOwned, Model):
    __tablename__ = "community_groups"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), default="")
    audience: Mapped[str] = mapped_column(String(16), default=Audience.ALL)
    archived_at: Mapped[datetime | None]
    last_post_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupAccount(TenantOwned, Model):
    """An account whose clients may see a group with the "chosen" audience."""

    __tablename__ = "community_group_accounts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "group_id"], ["community_groups.tenant_id", "community_groups.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        Index("ix_community_group_accounts_tenant_account", "tenant_id", "account_id"),
    )

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(primary_key=True)


class GroupTag(TenantOwned, Model):
    """An account tag (lowercased, as `AccountTag` stores it) whose accounts may see a group."""

    __tablename__ = "community_group_tags"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "group_id"], ["community_groups.tenant_id", "community_groups.id"]
        ),
        Index("ix_community_group_tags_tenant_tag", "tenant_id", "tag"),
    )

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(String(50), primary_key=True)


class Membership(TenantOwned, Model):
    __tablename__ = "community_members"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "group_id"], ["community_groups.tenant_id", "community_groups.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
        Index("ix_community_members_tenant_contact", "tenant_id", "contact_id"),
        # A group's member list, newest first, one page at a time (every client in a big group).
        Index("ix_community_members_tenant_group_joined", "tenant_id", "group_id", "joined_at"),
    )

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER)
    muted_until: Mapped[datetime | None]
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class Post(TenantOwned, Model):
    __tablename__ = "community_posts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "group_id"], ["community_groups.tenant_id", "community_groups.id"]
        ),
        Index("ix_community_posts_tenant_group_feed", "tenant_id", "group_id", "pinned", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int]
    author_kind: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[int]
    author_name: Mapped[str] = mapped_column(String(200), default="")
    # The client's account when they wrote it (their engagement history); None for staff.
    account_id: Mapped[int | None]
    body: Mapped[str] = mapped_column(Text)
    body_format: Mapped[str] = mapped_column(String(16), default=BodyFormat.TEXT)
    pinned: Mapped[bool] = mapped_column(default=False)
    comment_count: Mapped[int] = mapped_column(default=0)
    hidden_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]
    edited_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(TenantOwned, Model):
    __tablename__ = "community_comments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "post_id"], ["community_posts.tenant_id", "community_posts.id"]
        ),
        Index("ix_community_comments_tenant_post", "tenant_id", "post_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int]
    author_kind: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[int]
    author_name: Mapped[str] = mapped_column(String(200), default="")
    account_id: Mapped[int | None]
    body: Mapped[str] = mapped_column(Text)
    hidden_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]
    edited_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reaction(TenantOwned, Model):
    __tablename__ = "community_reactions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "post_id"], ["community_posts.tenant_id", "community_posts.id"]
        ),
    )

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    post_id: Mapped[int] = mapped_column(primary_key=True)
    reactor_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    reactor_id: Mapped[int] = mapped_column(primary_key=True)
    emoji: Mapped[str] = mapped_column(String(16), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Report(TenantOwned, Model):
    """A client's report of a post (or of one of its comments) for staff to look at."""

    __tablename__ = "community_reports"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "post_id"], ["community_posts.tenant_id", "community_posts.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "comment_id"], ["community_comments.tenant_id", "community_comments.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "reporter_id"], ["contacts.tenant_id", "contacts.id"]),
        Index("ix_community_reports_tenant_status", "tenant_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int]
    comment_id: Mapped[int | None]
    reporter_id: Mapped[int]
    reporter_name: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.OPEN)
    resolved_by_name: Mapped[str] = mapped_column(String(200), default="")
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
