"""Demo data: a community group open to all clients with a few posts, comments and
reactions, so `foyer demo` shows Community in use. Rows are written directly: the demo
notifies nobody and is not rate limited."""

from __future__ import annotations

from datetime import timedelta

from portal.clients.models import Contact
from portal.community.models import (
    Audience,
    AuthorKind,
    BodyFormat,
    Comment,
    Group,
    Post,
    Reaction,
)
from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

GROUP = "Small business owners"


def seed_community(
    tenant: TenantSnapshot, firm_name: str, staff_id: int, member: Contact, account_id: int
) -> None:
    """Once per demo firm (nothing is added when it already has groups). The caller commits."""
    if db.session.scalar(owned(Group, tenant).limit(1)) is not None:
        return
    now = utcnow()
    group = Group(
        tenant_id=tenant.id,
        name=GROUP,
        description="Swap tips on bookkeeping, payroll and running a small business.",
        audience=Audience.ALL,
        last_post_at=now,
    )
    db.session.add(group)
    db.session.flush()
    firm = {"author_kind": AuthorKind.STAFF, "author_id": staff_id, "author_name": firm_name}
    client = {
        "author_kind": AuthorKind.CLIENT,
        "author_id": member.id,
        "author_name": member.display_name,
        "account_id": account_id,
    }
    posts = [
        Post(
            tenant_id=tenant.id,
            group_id=group.id,
            body=body,
            body_format=BodyFormat.MARKDOWN if pinned else BodyFormat.TEXT,
            pinned=pinned,
            created_at=now - timedelta(days=days),
            **author,
        )
        for body, pinned, days, author in (
            (
                "**Welcome!** This group is for clients who run a business. Ask questions, "
                "share what works — and please keep account numbers out of posts.",
                True,
                6,
                firm,
            ),
            (
                "Which app do you use for receipts? I keep losing paper ones.",
                False,
                3,
                client,
            ),
            (
                "Reminder: Q4 estimated tax payments are due on 15 January.",
                False,
                1,
                firm,
            ),
        )
    ]
    db.session.add_all(posts)
    db.session.flush()
    welcome, receipts, _reminder = posts
    db.session.add_all(
        Comment(tenant_id=tenant.id, post_id=post.id, body=body, **author)
        for post, body, author in (
            (receipts, "Photograph them and upload them under Files each month.", firm),
            (receipts, "Thanks, that works much better!", client),
        )
    )
    receipts.comment_count = 2
    db.session.add_all(
        Reaction(
            tenant_id=tenant.id,
            post_id=post.id,
            reactor_kind=AuthorKind.CLIENT,
            reactor_id=member.id,
            emoji=emoji,
        )
        for post, emoji in ((welcome, "tada"), (receipts, "thumbs_up"))
    )
