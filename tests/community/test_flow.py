"""The whole community through HTTP: staff open a group to a tag, clients with the tag post,
comment and react, the author hears of it, a report reaches staff who hide the post, a muted
member can't post, and the rate limit answers 429 with a message."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from portal.clients.models import Contact
from portal.community.models import Group, Post
from portal.core.extensions import db
from portal.notifications.models import Notification
from tests.fixtures.tenants import csrf_from
from tests.modules.test_modules import MODULES_PAGE, module_form


def _post(who: Any, path: str, data: dict[str, str], page: str | None = None) -> Any:
    token = csrf_from(who.get(page or path).get_data(as_text=True))
    return who.post(path, data={"csrf_token": token, **data})


def test_group_for_a_tag_end_to_end(
    firm: Any, make_account: Any, make_contact: Any, sign_in: Any, smtp: Any
) -> None:
    ada_account = make_account("Lovelace Lettings", "landlords")
    bob_account = make_account("Babbage Flats", "landlords")
    other = make_account("Curie Household")
    make_contact(ada_account, "ada@lovelace.example", "Ada Lovelace")
    make_contact(bob_account, "bob@babbage.example", "Bob Babbage")
    make_contact(other, "marie@curie.example", "Marie Curie")

    created = firm.submit(
        "/admin/community/new",
        {
            "name": "Landlords",
            "description": "For our landlord clients",
            "audience": "chosen",
            "tags": "Landlords",
        },
    )
    assert created.status_code == 302, created.get_data(as_text=True)
    group = db.session.scalar(select(Group))
    assert group is not None and group.name == "Landlords"
    feed = f"/community/{group.id}/"

    ada, bob, marie = (
        sign_in("ada@lovelace.example"),
        sign_in("bob@babbage.example"),
        sign_in("marie@curie.example"),
    )
    assert "Landlords" in ada.get("/community/").get_data(as_text=True)
    assert "Landlords" not in marie.get("/community/").get_data(as_text=True)
    assert marie.get(feed).status_code == 404
    bob.get(feed)  # Bob joins by opening the group

    posted = _post(ada, feed, {"body": "Any advice on deposit schemes?", "body_format": "text"})
    assert posted.status_code == 303
    post = db.session.scalar(select(Post))
    assert post is not None
    post_page = f"/community/{group.id}/posts/{post.id}"
    assert "Any advice on deposit schemes?" in bob.get(feed).get_data(as_text=True)
    new_post = db.session.scalars(
        select(Notification).where(Notification.kind == "community.post")
    ).all()
    assert [n.title for n in new_post] == ["New post in Landlords from Ada Lovelace"]

    commented = _post(bob, post_page, {"body": "Use the government-backed one."})
    assert commented.status_code == 303
    mail = smtp.wait_for(1, to="ada@lovelace.example")[-1]  # before Ada reads it in the portal
    assert "Use the government-backed one." in mail.get_body().get_content()
    reacted = _post(
        bob,
        f"/community/{group.id}/posts/{post.id}/react",
        {"emoji": "heart", "back": "post"},
        page=post_page,
    )
    assert reacted.status_code == 303
    page = ada.get(post_page).get_data(as_text=True)
    assert "Use the government-backed one." in page and "Bob Babbage" in page
    assert 'aria-pressed="false"' in page and '<span class="count">1</span>' in page
    unread = ada.get("/notifications").get_data(as_text=True)
    assert "New comment on your post in Landlords from Bob Babbage" in unread

    reported = _post(
        bob,
        f"/community/{group.id}/posts/{post.id}/report",
        {"reason": "Advertising a paid service"},
    )
    assert reported.status_code == 303
    bell = firm.get("/admin/notifications/").get_data(as_text=True)
    assert "A post in Landlords was reported by Bob Babbage" in bell
    queue = firm.get("/admin/community/reports").get_data(as_text=True)
    assert "Advertising a paid service" in queue and "Any advice on deposit schemes?" in queue
    hidden = _post(
        firm,
        f"/admin/community/posts/{post.id}/hide",
        {"back": "reports"},
        page="/admin/community/reports",
    )
    assert hidden.status_code == 302
    assert "Any advice on deposit schemes?" not in bob.get(feed).get_data(as_text=True)
    assert bob.get(post_page).status_code == 404
    staff_feed = firm.get(f"/admin/community/{group.id}/").get_data(as_text=True)
    assert "Hidden from clients" in staff_feed

    members = firm.get(f"/admin/community/{group.id}/members").get_data(as_text=True)
    assert "Bob Babbage" in members
    bob_contact = db.session.scalar(select(Contact).where(Contact.email == "bob@babbage.example"))
    assert bob_contact is not None
    muted = _post(
        firm,
        f"/admin/community/{group.id}/mute",
        {"contact_id": str(bob_contact.id), "days": "3"},
        page=f"/admin/community/{group.id}/members",
    )
    assert muted.status_code == 302
    refused = _post(bob, feed, {"body": "Let me in", "body_format": "text"})
    assert refused.status_code == 422
    assert "paused your posting in this group" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Post).where(Post.body == "Let me in")) is None


def test_rate_limit_answers_429_and_keeps_the_text(
    make_account: Any, make_contact: Any, sign_in: Any, make_group: Any
) -> None:
    account = make_account("Birch Household")
    make_contact(account, "carol@birch.example", "Carol Birch")
    group = make_group()
    carol = sign_in("carol@birch.example")
    feed = f"/community/{group.id}/"
    token = csrf_from(carol.get(feed).get_data(as_text=True))
    for number in range(5):
        data = {"csrf_token": token, "body": f"Post {number}", "body_format": "text"}
        assert carol.post(feed, data=data).status_code == 303
    data = {"csrf_token": token, "body": "One too many", "body_format": "text"}
    response = carol.post(feed, data=data)
    assert response.status_code == 429
    assert response.headers["Retry-After"].isdigit()
    html = response.get_data(as_text=True)
    assert "You have written a lot in a short time" in html and "One too many" in html


def test_disabled_module_is_404(
    firm: Any, make_account: Any, make_contact: Any, sign_in: Any, make_group: Any
) -> None:
    account = make_account("Birch Household")
    make_contact(account, "carol@birch.example", "Carol Birch")
    group = make_group()
    carol = sign_in("carol@birch.example")
    assert carol.get(f"/community/{group.id}/").status_code == 200
    switched = firm.submit(MODULES_PAGE, module_form(**{"enabled-community": ""}))
    assert switched.status_code == 302
    assert carol.get("/community/").status_code == 404
    assert carol.get(f"/community/{group.id}/").status_code == 404
