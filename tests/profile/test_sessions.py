"""Sessions per device: the profile lists where the client is signed in; any one device can be
signed out from another, a password change ends the others, and the list stays one query."""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.sessions import SignInSession, describe_device, truncate_ip
from portal.core.extensions import db
from tests.fixtures.smtp import text_of
from tests.profile.conftest import FIREFOX, SAFARI, SESSION_ROW, post

NEW_PASSWORD = "copper lantern meadow 91"


def test_the_profile_lists_each_device_and_marks_this_one(active_client, device) -> None:  # type: ignore[no-untyped-def]
    active_client()
    laptop = device(FIREFOX)
    phone = device(SAFARI)
    page = laptop.get("/profile").get_data(as_text=True)
    assert "Firefox on Windows" in page and "Safari on iPhone" in page
    assert page.count("This device") == 1
    # This device is listed first, so the badge sits in the first entry.
    assert page.index("This device") < page.index("Safari on iPhone")
    assert "Sign out all other sessions" in page
    assert "Safari on iPhone" in phone.get("/profile").get_data(as_text=True)


def test_signing_out_one_device_from_another_leaves_the_rest_signed_in(  # type: ignore[no-untyped-def]
    app, active_client, device
) -> None:
    first = active_client()
    laptop = device(FIREFOX)
    phone = device(SAFARI)
    rows = db.session.scalars(
        select(SignInSession).where(SignInSession.device == "Safari on iPhone")
    ).all()
    assert len(rows) == 1
    response = post(laptop, f"/profile/sessions/{rows[0].id}/sign-out")
    assert response.status_code == 303
    assert "That device is signed out." in laptop.get("/profile").get_data(as_text=True)
    refused = phone.get("/profile")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/sign-in")
    assert laptop.get("/").status_code == 200
    assert first.get("/").status_code == 200
    assert "Safari on iPhone" not in laptop.get("/profile").get_data(as_text=True)


def test_signing_out_ends_only_this_browser(active_client, device) -> None:  # type: ignore[no-untyped-def]
    first = active_client()
    laptop = device(FIREFOX)
    assert post(laptop, "/sign-out", page="/").status_code == 302
    assert laptop.get("/").status_code == 302
    assert first.get("/").status_code == 200


def test_a_device_id_of_another_person_signs_nobody_out(active_client, device) -> None:  # type: ignore[no-untyped-def]
    ivy = active_client()
    other = active_client("max@client.example", "Max Co")
    max_rows = db.session.scalars(
        select(SignInSession.id).where(SignInSession.principal_id != _contact_id(ivy))
    ).all()
    assert max_rows
    assert post(ivy, f"/profile/sessions/{max_rows[0]}/sign-out").status_code == 404
    assert other.get("/").status_code == 200


def test_sign_out_all_other_sessions(active_client, device) -> None:  # type: ignore[no-untyped-def]
    first = active_client()
    laptop = device(FIREFOX)
    phone = device(SAFARI)
    response = post(laptop, "/profile/sessions/sign-out-others")
    assert response.status_code == 303
    assert "every other device (2)" in laptop.get("/profile").get_data(as_text=True)
    assert first.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 200


def test_sign_out_everywhere_includes_this_device(active_client, device) -> None:  # type: ignore[no-untyped-def]
    first = active_client()
    laptop = device(FIREFOX)
    assert post(laptop, "/profile/sessions/sign-out-everywhere").status_code == 303
    assert laptop.get("/").status_code == 302
    assert first.get("/").status_code == 302
    page = device(SAFARI).get("/profile").get_data(as_text=True)
    assert "Safari on iPhone" in page and "Firefox on Windows" not in page  # only live ones


def test_signing_this_device_out_from_the_list_signs_this_browser_out(active_client) -> None:  # type: ignore[no-untyped-def]
    first = active_client()
    page = first.get("/profile").get_data(as_text=True)
    own = SESSION_ROW.search(page)
    assert own
    response = post(first, f"/profile/sessions/{own.group(1)}/sign-out")
    assert response.status_code == 303 and response.headers["Location"].startswith("/sign-in")
    assert first.get("/").status_code == 302


def test_changing_the_password_ends_the_other_sessions(active_client, device, smtp) -> None:  # type: ignore[no-untyped-def]
    first = active_client()
    laptop = device(FIREFOX)
    smtp.clear()
    response = laptop.submit(
        "/profile",
        {
            "password-current_password": "maple kettle horizon 58",
            "password-password": NEW_PASSWORD,
            "password-confirm": NEW_PASSWORD,
        },
        action="/profile/password",
    )
    assert response.status_code == 303
    page = laptop.get("/profile").get_data(as_text=True)
    assert "You were signed out on your other devices." in page
    assert first.get("/").status_code == 302
    assert laptop.get("/").status_code == 200
    assert "was just changed" in text_of(smtp.wait_for(1, to="ivy@client.example")[-1])
    device(SAFARI, password=NEW_PASSWORD)  # the new password works


def test_a_wrong_current_password_changes_nothing(active_client, device) -> None:  # type: ignore[no-untyped-def]
    first = active_client()
    laptop = device(FIREFOX)
    response = laptop.submit(
        "/profile",
        {
            "password-current_password": "not my password at all",
            "password-password": NEW_PASSWORD,
            "password-confirm": NEW_PASSWORD,
        },
        action="/profile/password",
    )
    assert response.status_code == 422
    assert "Your current password is not correct." in response.get_data(as_text=True)
    assert first.get("/").status_code == 200
    weak = laptop.submit(
        "/profile",
        {
            "password-current_password": "maple kettle horizon 58",
            "password-password": "short",
            "password-confirm": "short",
        },
        action="/profile/password",
    )
    assert weak.status_code == 422
    assert "Use at least 10 characters." in weak.get_data(as_text=True)


def test_device_names_and_networks_are_summarised() -> None:
    assert describe_device(FIREFOX) == "Firefox on Windows"
    assert describe_device(SAFARI) == "Safari on iPhone"
    assert describe_device("curl/8.0") == ""
    assert truncate_ip("203.0.113.77") == "203.0.113.0/24"
    assert truncate_ip("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert truncate_ip(None) == ""


def _contact_id(client) -> int:  # type: ignore[no-untyped-def]
    page = client.get("/profile").get_data(as_text=True)
    own = SESSION_ROW.search(page)
    assert own
    row = db.session.get(SignInSession, int(own.group(1)))
    assert row is not None
    return row.principal_id
