"""What clients write never becomes markup on anyone's page, and nobody reaches a group, post
or comment outside the accounts and tags the group is open to."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import select

from portal.community.models import Comment, Post
from portal.core.extensions import db
from tests.fixtures.tenants import csrf_from

HOSTILE = (
    "<script>alert('x')</script>\n\n"
    "[click me](javascript:alert(1))\n\n"
    '<img src=x onerror="alert(2)">\n\n'
    '<a href="javascript:alert(3)" onclick="alert(4)">raw link</a>\n\n'
    "[fine](https://example.org/page)"
)


class _Markup(HTMLParser):
    """The elements and attributes a browser would build from the page."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_script = tag == "script"
        if tag == "img":
            self.problems.append("an <img> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript"):
                self.problems.append(f"{tag} {name}={value}")

    def handle_data(self, data: str) -> None:
        if self.in_script and "alert" in data:
            self.problems.append("a script with the post's code")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False


def _assert_neutral(html: str) -> None:
    parser = _Markup()
    parser.feed(html)
    assert parser.problems == []


@pytest.mark.parametrize("body_format", ["markdown", "text"])
def test_hostile_post_and_comment_are_neutralised(
    make_account: Any, make_contact: Any, sign_in: Any, make_group: Any, firm: Any, body_format: str
) -> None:
    account = make_account("Birch Household")
    make_contact(account, "carol@birch.example", "Carol Birch")
    group = make_group()
    carol = sign_in("carol@birch.example")
    feed = f"/community/{group.id}/"
    token = csrf_from(carol.get(feed).get_data(as_text=True))
    response = carol.post(
        feed, data={"csrf_token": token, "body": HOSTILE, "body_format": body_format}
    )
    assert response.status_code == 303
    post = db.session.scalar(select(Post))
    assert post is not None
    page = f"/community/{group.id}/posts/{post.id}"
    carol.post(page, data={"csrf_token": token, "body": HOSTILE})
    assert db.session.scalar(select(Comment)) is not None
    for html in (
        carol.get(feed).get_data(as_text=True),
        carol.get(page).get_data(as_text=True),
        firm.get(f"/admin/community/{group.id}/").get_data(as_text=True),
        firm.get(f"/admin/community/posts/{post.id}").get_data(as_text=True),
    ):
        _assert_neutral(html)
    shown = carol.get(feed).get_data(as_text=True)
    if body_format == "markdown":
        assert 'href="https://example.org/page"' in shown and "nofollow" in shown
        assert ">click me<" in shown or "click me" in shown
    else:
        assert "&lt;script&gt;" in shown


def test_huge_input_is_refused_and_reports_are_bounded(
    make_account: Any, make_contact: Any, sign_in: Any, make_group: Any
) -> None:
    account = make_account("Birch Household")
    make_contact(account, "carol@birch.example", "Carol Birch")
    group = make_group()
    carol = sign_in("carol@birch.example")
    feed = f"/community/{group.id}/"
    token = csrf_from(carol.get(feed).get_data(as_text=True))
    huge = "*" * 200_000
    response = carol.post(feed, data={"csrf_token": token, "body": huge, "body_format": "markdown"})
    assert response.status_code == 422
    assert "the limit is" in response.get_data(as_text=True)
    assert db.session.scalar(select(Post)) is None
    carol.post(feed, data={"csrf_token": token, "body": "ok", "body_format": "text"})
    post = db.session.scalar(select(Post))
    assert post is not None
    report = f"/community/{group.id}/posts/{post.id}/report"
    response = carol.post(report, data={"csrf_token": token, "reason": "x" * 501})
    assert response.status_code == 422
    assert "under 500 characters" in response.get_data(as_text=True)
    response = carol.post(
        f"/community/{group.id}/posts/{post.id}/react",
        data={"csrf_token": token, "emoji": "<script>"},
    )
    assert response.status_code == 303  # refused with a message, nothing stored


def test_groups_of_other_accounts_and_their_posts_are_404(
    make_account: Any, make_contact: Any, sign_in: Any, make_group: Any
) -> None:
    mine = make_account("Birch Household", "vip")
    theirs = make_account("Oak Holdings")
    make_contact(mine, "carol@birch.example", "Carol Birch")
    make_contact(theirs, "olga@oak.example", "Olga Oak")
    closed = make_group("Oak only", "chosen", account_ids=[theirs.id])
    tagged = make_group("VIP lounge", "chosen", tags=["vip"])
    olga = sign_in("olga@oak.example")
    feed = f"/community/{closed.id}/"
    token = csrf_from(olga.get(feed).get_data(as_text=True))
    olga.post(feed, data={"csrf_token": token, "body": "Oak secret plans", "body_format": "text"})
    post = db.session.scalar(select(Post))
    assert post is not None
    olga.post(f"/community/{closed.id}/posts/{post.id}", data={"csrf_token": token, "body": "note"})
    comment = db.session.scalar(select(Comment))
    assert comment is not None

    carol = sign_in("carol@birch.example")
    listing = carol.get("/community/").get_data(as_text=True)
    assert "VIP lounge" in listing and "Oak only" not in listing
    assert olga.get(f"/community/{tagged.id}/").status_code == 404
    token = csrf_from(carol.get(f"/community/{tagged.id}/").get_data(as_text=True))
    for path in (
        f"/community/{closed.id}/",
        f"/community/{closed.id}/posts/{post.id}",
        f"/community/{closed.id}/posts/{post.id}/report",
        f"/community/{tagged.id}/posts/{post.id}",  # the post through a group Carol may see
        f"/community/{tagged.id}/comments/{comment.id}/report",
    ):
        assert carol.get(path).status_code == 404, path
    for path in (
        f"/community/{closed.id}/posts/{post.id}/react",
        f"/community/{tagged.id}/posts/{post.id}/react",
        f"/community/{closed.id}/posts/{post.id}/delete",
        f"/community/{tagged.id}/comments/{comment.id}/delete",
    ):
        response = carol.post(path, data={"csrf_token": token, "emoji": "heart"})
        assert response.status_code == 404, path
    assert "Oak secret plans" not in carol.get(f"/community/{tagged.id}/").get_data(as_text=True)
