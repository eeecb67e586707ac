"""Community objects for the cross-tenant probe: a group open only to one account, a post by
its contact with a staff comment, and the contact's report, all named with a marker."""

from __future__ import annotations

from typing import Any

from portal.community.groups import GroupInput, create_group
from portal.community.moderation import report
from portal.community.posts import Author, add_comment, create_post
from tenants.resolution import snapshot_by_id


def community_objects(
    tenant_id: int, account_id: int, contact_id: int, staff_id: int, marker: str
) -> dict[str, Any]:
    """{group_id, post_id, comment_id, report_id}; the caller commits."""
    tenant = snapshot_by_id(tenant_id)
    assert tenant is not None
    group = create_group(
        tenant,
        GroupInput(
            name=f"{marker} forum",
            description=f"Only for {marker}",
            audience="chosen",
            account_ids=(account_id,),
        ),
    )
    client = Author("client", contact_id, f"{marker} member", account_id)
    post = create_post(tenant, group, client, f"{marker} private post", "text")
    comment = add_comment(tenant, group, post, Author("staff", staff_id, "Firm"), f"{marker} note")
    filed = report(tenant, group, post, None, client, f"{marker} reason")
    return {
        "group_id": group.id,
        "post_id": post.id,
        "comment_id": comment.id,
        "report_id": filed.id,
    }
