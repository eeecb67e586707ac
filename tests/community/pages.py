"""Rows the phone-size and accessibility browser test needs for the community pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from portal.community.groups import GroupInput, create_group
from portal.community.posts import Author, add_comment, create_post
from portal.core.extensions import db
from tenants.resolution import snapshot_by_id

if TYPE_CHECKING:  # client_pages imports this module for its page list
    from tests.e2e.client_pages import Seed


def community_seed(seed: Seed) -> Mapping[str, object]:
    """A group open to everyone with a Markdown post by the seeded client and a comment."""
    tenant = snapshot_by_id(seed.tenant_id)
    assert tenant is not None
    group = create_group(
        tenant, GroupInput("Small landlords", "Tips and questions about letting", "all")
    )
    me = Author("client", seed.contact_id, "Luz Rivera", seed.account_id)
    body = "Does anyone use a **letting agent**? A long-word-without-spaces-" + "x" * 80
    post = create_post(tenant, group, me, body, "markdown")
    add_comment(tenant, group, post, Author("staff", seed.staff_id, "Firm"), "We can help.")
    db.session.commit()
    return {"group_id": group.id, "post_id": post.id}
