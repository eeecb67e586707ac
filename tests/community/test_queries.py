"""Community lists run the same number of SQL statements with 10 rows as with 100: the client's
group list, a group's feed, a post's comments (client and staff), and the reports queue."""

from __future__ import annotations

from typing import Any

import pytest

from portal.community.models import Comment, Group, Post, Reaction, Report
from portal.core.extensions import db
from tests.fixtures.queries import counting


def _count(browser: Any, page: str, expect: str, paged: bool = False) -> int:
    assert browser.get(page).status_code == 200  # warm the caches
    db.session.expire_all()
    with counting() as statements:
        response = browser.get(page)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert expect in html, f"rows not listed on {page}"
    assert 'rel="next"' in html or not paged, f"100 rows on one page: {page}"
    return len(statements)


@pytest.mark.slow  # 100 rows of each kind inserted, each page counted twice
def test_community_lists_query_count_does_not_grow_with_rows(
    tenant: Any,
    firm: Any,
    make_account: Any,
    make_contact: Any,
    sign_in: Any,
    make_group: Any,
) -> None:
    account = make_account("Birch Household", "vip")
    carol_contact = make_contact(account, "carol@birch.example", "Carol Birch")
    carol = sign_in("carol@birch.example")
    main = make_group("Main")
    seed = Post(
        tenant_id=tenant.id,
        group_id=main.id,
        author_kind="client",
        author_id=carol_contact.id,
        author_name="Carol Birch",
        body="The first post",
    )
    db.session.add(seed)
    db.session.commit()

    def add(start: int, stop: int) -> None:
        for number in range(start, stop):
            db.session.add(Group(tenant_id=tenant.id, name=f"Group {number:04d}", audience="all"))
            post = Post(
                tenant_id=tenant.id,
                group_id=main.id,
                author_kind="client",
                author_id=carol_contact.id,
                author_name=f"Writer {number:04d}",
                body=f"Post {number:04d}",
                body_format="markdown" if number % 2 else "text",
                pinned=number % 7 == 0,
            )
            db.session.add(post)
            db.session.flush()
            db.session.add(
                Reaction(
                    tenant_id=tenant.id,
                    post_id=post.id,
                    reactor_kind="client",
                    reactor_id=carol_contact.id,
                    emoji="heart",
                )
            )
            comment = Comment(
                tenant_id=tenant.id,
                post_id=seed.id,
                author_kind="client",
                author_id=carol_contact.id,
                author_name=f"Commenter {number:04d}",
                body=f"Comment {number:04d}",
            )
            db.session.add(comment)
            db.session.flush()
            db.session.add(
                Report(
                    tenant_id=tenant.id,
                    post_id=post.id,
                    comment_id=comment.id if number % 2 else None,
                    reporter_id=carol_contact.id,
                    reporter_name="Carol Birch",
                    reason=f"Reason {number:04d}",
                )
            )
        db.session.commit()

    pages: dict[str, tuple[Any, str, str]] = {
        "groups": (carol, "/community/", "Group 0009"),
        "feed": (carol, f"/community/{main.id}/", "Post 0007"),
        "comments": (carol, f"/community/{main.id}/posts/{seed.id}", "Comment 0009"),
        "staff feed": (firm, f"/admin/community/{main.id}/", "Post 0007"),
        "staff comments": (firm, f"/admin/community/posts/{seed.id}", "Comment 0009"),
        "staff groups": (firm, "/admin/community/", "Group 0009"),
        "reports": (firm, "/admin/community/reports", "Reason 0009"),
    }
    counts: dict[str, dict[int, int]] = {name: {} for name in pages}
    made = 0
    for size in (10, 100):
        add(made, size)
        made = size
        for name, (browser, page, expect) in pages.items():
            counts[name][size] = _count(browser, page, expect, paged=size == 100)
    grown = {name: by_size for name, by_size in counts.items() if len(set(by_size.values())) > 1}
    assert grown == {}, f"statements per request by rows: {grown}"
