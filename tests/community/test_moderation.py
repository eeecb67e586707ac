"""Authors edit within the window and delete their own words; staff hide, remove and restore
comments, pin posts, archive groups, unmute members; preferences list the community kinds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from portal.community.models import Comment, Post
from portal.core.database import utcnow
from portal.core.extensions import db
from tests.fixtures.tenants import csrf_from


def _setup(make_account: Any, make_contact: Any, sign_in: Any, make_group: Any) -> Any:
    account = make_account("Birch Household")
    make_contact(account, "carol@birch.example", "Carol Birch")
    group = make_group("Landlords")
    carol = sign_in("carol@birch.example")
    feed = f"/community/{group.id}/"
    token = csrf_from(carol.get(feed).get_data(as_text=True))
    carol.post(feed, data={"csrf_token": token, "body": "First words", "body_format": "text"})
    post = db.session.scalar(select(Post))
    assert post is not None
    return carol, group, post, token


def test_author_edits_within_the_window_and_deletes(
    make_account: Any, make_contact: Any, sign_in: Any, make_group: Any
) -> None:
    carol, group, post, token = _setup(make_account, make_contact, sign_in, make_group)
    edit = f"/community/{group.id}/posts/{post.id}/edit"
    response = carol.post(edit, data={"csrf_token": token, "body": "Better words"})
    assert response.status_code == 303
    page = carol.get(f"/community/{group.id}/posts/{post.id}").get_data(as_text=True)
    assert "Better words" in page and "edited" in page
    db.session.execute(
        update(Post).where(Post.id == post.id).values(created_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()
    late = carol.post(edit, data={"csrf_token": token, "body": "Too late"})
    assert late.status_code == 422
    assert "can be edited for 15 minutes" in late.get_data(as_text=True)
    deleted = carol.post(
        f"/community/{group.id}/posts/{post.id}/delete", data={"csrf_token": token}
    )
    assert deleted.status_code == 303
    assert "Better words" not in carol.get(f"/community/{group.id}/").get_data(as_text=True)
    assert carol.get(f"/community/{group.id}/posts/{post.id}").status_code == 404


def test_staff_moderate_comments_pin_archive_and_unmute(
    firm: Any, make_account: Any, make_contact: Any, sign_in: Any, make_group: Any
) -> None:
    carol, group, post, token = _setup(make_account, make_contact, sign_in, make_group)
    page = f"/community/{group.id}/posts/{post.id}"
    carol.post(page, data={"csrf_token": token, "body": "A rude remark"})
    comment = db.session.scalar(select(Comment))
    assert comment is not None
    staff_token = csrf_from(firm.get(f"/admin/community/posts/{post.id}").get_data(as_text=True))

    def act(path: str, **data: str) -> int:
        return firm.post(path, data={"csrf_token": staff_token, **data}).status_code

    assert act(f"/admin/community/comments/{comment.id}/hide") == 302
    html = carol.get(page).get_data(as_text=True)
    assert "A rude remark" not in html and "0 comments" in html
    assert act(f"/admin/community/comments/{comment.id}/unhide") == 302
    assert "A rude remark" in carol.get(page).get_data(as_text=True)
    assert act(f"/admin/community/comments/{comment.id}/remove") == 302
    assert "A rude remark" not in carol.get(page).get_data(as_text=True)
    assert act(f"/admin/community/comments/{comment.id}/unhide") == 404  # removed for good

    firm.post(
        f"/admin/community/posts/{post.id}",
        data={"csrf_token": staff_token, "body": "Hello from the firm"},
    )
    carol.post(
        f"/community/{group.id}/",
        data={"csrf_token": token, "body": "Newer post", "body_format": "text"},
    )
    assert act(f"/admin/community/posts/{post.id}/pin") == 302
    feed = carol.get(f"/community/{group.id}/").get_data(as_text=True)
    assert feed.index("First words") < feed.index("Newer post") and "Pinned" in feed
    assert "Hello from the firm" in carol.get(page).get_data(as_text=True)

    members = f"/admin/community/{group.id}/members"
    contact_id = str(post.author_id)
    assert act(f"/admin/community/{group.id}/mute", contact_id=contact_id, days="400") == 302
    assert "Choose between 1 and 365 days." in firm.get(members).get_data(as_text=True)
    assert act(f"/admin/community/{group.id}/mute", contact_id=contact_id, days="2") == 302
    assert "Muted until" in firm.get(members).get_data(as_text=True)
    assert act(f"/admin/community/{group.id}/unmute", contact_id=contact_id) == 302
    ok = carol.post(
        f"/community/{group.id}/",
        data={"csrf_token": token, "body": "Back again", "body_format": "text"},
    )
    assert ok.status_code == 303

    assert act(f"/admin/community/{group.id}/archive", archived="1") == 302
    assert "Landlords" not in carol.get("/community/").get_data(as_text=True)
    assert carol.get(f"/community/{group.id}/").status_code == 404
    assert "Landlords" in firm.get("/admin/community/?archived=1").get_data(as_text=True)


def test_staff_without_settings_moderate_but_do_not_create_groups(
    client_for: Any, make_staff: Any, tenant: Any, make_group: Any
) -> None:
    from tests.fixtures.people import sign_in_staff, tenant_host

    member = client_for(tenant_host(tenant))
    sign_in_staff(member, make_staff(tenant, "member@acme.example", role="member").email)
    group = make_group()
    assert member.get("/admin/community/").status_code == 200
    assert member.get(f"/admin/community/{group.id}/").status_code == 200
    assert member.get("/admin/community/new").status_code == 403
    assert member.get(f"/admin/community/{group.id}/edit").status_code == 403


def test_preferences_offer_the_community_kinds(
    make_account: Any, make_contact: Any, sign_in: Any
) -> None:
    account = make_account("Birch Household")
    make_contact(account, "carol@birch.example", "Carol Birch")
    carol = sign_in("carol@birch.example")
    html = carol.get("/notifications/preferences").get_data(as_text=True)
    assert "New posts in your community groups" in html
    assert "Comments on your community posts" in html


def test_staff_change_a_groups_access_to_chosen_accounts(
    firm: Any, make_account: Any, make_contact: Any, sign_in: Any, make_group: Any
) -> None:
    birch = make_account("Birch Household")
    oak = make_account("Oak Holdings", "vip")
    make_contact(birch, "carol@birch.example", "Carol Birch")
    make_contact(oak, "olga@oak.example", "Olga Oak")
    group = make_group("Everyone")
    carol, olga = sign_in("carol@birch.example"), sign_in("olga@oak.example")
    assert carol.get(f"/community/{group.id}/").status_code == 200
    edit = f"/admin/community/{group.id}/edit"
    page = firm.get(edit).get_data(as_text=True)
    assert "Birch Household" in page and "Oak Holdings" in page and "vip" in page
    refused = firm.submit(edit, {"name": "Everyone", "audience": "chosen"})
    assert refused.status_code == 422
    assert "Choose at least one account or tag" in refused.get_data(as_text=True)
    saved = firm.submit(
        edit, {"name": "Oak circle", "audience": "chosen", "accounts": str(oak.id), "tags": ""}
    )
    assert saved.status_code == 302
    assert carol.get(f"/community/{group.id}/").status_code == 404
    assert "Oak circle" in olga.get("/community/").get_data(as_text=True)
    saved = firm.submit(edit, {"name": "Oak circle", "audience": "chosen", "tags": "VIP, "})
    assert saved.status_code == 302
    assert olga.get(f"/community/{group.id}/").status_code == 200
    assert carol.get(f"/community/{group.id}/").status_code == 404
    clash = firm.submit("/admin/community/new", {"name": "Oak circle", "audience": "all"})
    assert clash.status_code == 422
    assert "Another group already has this name." in clash.get_data(as_text=True)
