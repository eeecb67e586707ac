"""A client reads and writes in the groups their current account may see."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from portal.community.models import Post
from portal.core.extensions import db
from tests.fixtures.tenants import csrf_from


def test_client_posts_in_an_open_group_and_sees_it_in_the_feed(
    make_account: Any, make_contact: Any, sign_in: Any, make_group: Any
) -> None:
    account = make_account("Birch Household")
    make_contact(account, "carol@birch.example", "Carol Birch")
    group = make_group("Landlords")
    carol = sign_in("carol@birch.example")
    listing = carol.get("/community/").get_data(as_text=True)
    assert "Landlords" in listing
    page = f"/community/{group.id}/"
    response = carol.submit(page, {"body": "Who else rents out a flat?", "body_format": "text"})
    assert response.status_code == 303, response.get_data(as_text=True)
    feed = carol.get(page).get_data(as_text=True)
    assert "Who else rents out a flat?" in feed and "Carol Birch" in feed
    post = db.session.scalar(select(Post))
    assert post is not None and post.account_id == account.id


def test_empty_post_is_refused_with_the_text_kept(
    make_account: Any, make_contact: Any, sign_in: Any, make_group: Any
) -> None:
    account = make_account("Birch Household")
    make_contact(account, "carol@birch.example", "Carol Birch")
    group = make_group()
    carol = sign_in("carol@birch.example")
    page = f"/community/{group.id}/"
    token = csrf_from(carol.get(page).get_data(as_text=True))
    response = carol.post(page, data={"csrf_token": token, "body": "   ", "body_format": "text"})
    assert response.status_code == 422
    assert "Write something first." in response.get_data(as_text=True)
    long = "x" * 10_001
    response = carol.post(page, data={"csrf_token": token, "body": long, "body_format": "text"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "the limit is 10000" in html.replace(",", "") and long in html
