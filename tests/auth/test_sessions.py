"""Sessions (issue #11 fault suite): signing out ends this browser's session for good (a copied
cookie too) while other devices stay signed in (issue #16: sessions per device), a password
reset ends every other session, sign-in issues a new session (no fixation), and a cookie from
one firm's host is anonymous on another's."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from tests.auth.conftest import CLIENT_EMAIL
from tests.fixtures.people import CLIENT_PASSWORD, tenant_host
from tests.fixtures.smtp import text_of
from tests.fixtures.tenants import STAFF_PASSWORD, HostClient, csrf_from

COOKIE = "__Host-foyer"
RESET_LINK = re.compile(r"https://[^\s\"<>]+(/reset-password/[A-Za-z0-9_-]+)")
NEW_PASSWORD = "copper lantern meadow 91"


def cookie_of(client: HostClient) -> str | None:
    cookie = client.get_cookie(COOKIE, domain=client.host)
    return None if cookie is None else cookie.value


def copy_to(client_for: Any, value: str, host: str) -> HostClient:
    """Another browser (or an attacker) holding the same cookie, on `host`."""
    copy: HostClient = client_for(host)
    copy.set_cookie(COOKIE, value, domain=host)
    return copy


def session_data(app: Flask, value: str) -> dict[str, Any]:
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return dict(serializer.loads(value))


def sign_in_staff(client: HostClient, email: str) -> None:
    response = client.submit("/admin/sign-in", {"email": email, "password": STAFF_PASSWORD})
    assert response.status_code == 302


def test_staff_sign_out_ends_this_session_and_keeps_the_others(client_for, tenant, staff) -> None:  # type: ignore[no-untyped-def]
    host = tenant_host(tenant)
    laptop, phone = client_for(host), client_for(host)
    sign_in_staff(laptop, staff.email)
    sign_in_staff(phone, staff.email)
    stolen = cookie_of(laptop)
    assert stolen is not None
    assert phone.get("/admin/").status_code == 200
    signed_out = laptop.post(
        "/admin/sign-out",
        data={"csrf_token": csrf_from(laptop.get("/admin/").get_data(as_text=True))},
    )
    assert signed_out.status_code == 302
    assert copy_to(client_for, stolen, host).get("/admin/").status_code == 302  # a copied cookie
    assert phone.get("/admin/").status_code == 200  # the other device stays signed in


def test_client_sign_out_ends_this_session_and_keeps_the_others(
    active_client, client_for, tenant
) -> None:  # type: ignore[no-untyped-def]
    first = active_client()
    host = tenant_host(tenant)
    second = client_for(host)
    signed_in = second.submit("/sign-in", {"email": CLIENT_EMAIL, "password": CLIENT_PASSWORD})
    assert signed_in.status_code == 302
    stolen = cookie_of(first)
    assert stolen is not None
    assert second.get("/").status_code == 200
    page = first.get("/").get_data(as_text=True)
    assert first.post("/sign-out", data={"csrf_token": csrf_from(page)}).status_code == 302
    assert copy_to(client_for, stolen, host).get("/").status_code == 302
    assert first.get("/").status_code == 302
    assert second.get("/").status_code == 200


def test_a_password_reset_ends_every_other_session(active_client, client_for, tenant, smtp) -> None:  # type: ignore[no-untyped-def]
    other_device = active_client()
    host = tenant_host(tenant)
    assert other_device.get("/").status_code == 200
    visitor = client_for(host)
    visitor.submit("/forgot-password", {"email": CLIENT_EMAIL})
    match = RESET_LINK.search(text_of(smtp.wait_for(2, to=CLIENT_EMAIL)[-1]))
    assert match
    changed = visitor.submit(match.group(1), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert changed.status_code == 302
    assert visitor.get("/").status_code == 200  # the person who reset is signed in...
    assert other_device.get("/").status_code == 302  # ...every earlier session has ended


def test_sign_in_issues_a_new_session_and_drops_the_old_one(app, client_for, tenant, staff) -> None:  # type: ignore[no-untyped-def]
    host = tenant_host(tenant)
    attacker = client_for(host)
    attacker.get("/admin/sign-in")  # a pre-login session (it holds the CSRF token)
    planted = cookie_of(attacker)
    assert planted is not None
    assert "_user_id" not in session_data(app, planted)
    victim = copy_to(client_for, planted, host)  # fixation: the victim is given that cookie
    sign_in_staff(victim, staff.email)
    issued = cookie_of(victim)
    assert issued is not None and issued != planted
    data = session_data(app, issued)
    assert data["_user_id"].startswith(f"staff:{staff.id}:")
    assert "csrf_token" not in data  # nothing of the pre-login session is carried over
    assert attacker.get("/admin/").status_code == 302  # the planted cookie signs nobody in


def test_a_client_cookie_from_one_firm_is_anonymous_at_another(  # type: ignore[no-untyped-def]
    active_client, client_for, make_tenant, tenant
) -> None:
    client = active_client()
    assert client.get("/").status_code == 200
    other = make_tenant(slug="birch", name="Birch Bookkeeping")
    stolen = cookie_of(client)
    assert stolen is not None
    replay = copy_to(client_for, stolen, tenant_host(other))
    response = replay.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert client.get("/").status_code == 200  # the original session is untouched
