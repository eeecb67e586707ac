"""Firm staff invite a client in the browser; the client accepts in another browser."""

from __future__ import annotations

import re

import pytest

from portal.auth.models import StaffMember
from portal.auth.passwords import hash_password
from portal.core.extensions import db
from tests.fixtures.smtp import text_of

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://\S+/invite/[A-Za-z0-9_-]+")
STAFF_PASSWORD = "quiet harbour ledger 17"


@pytest.mark.slow
def test_staff_invites_client_who_accepts_and_sees_the_welcome(
    live_server, make_tenant, smtp, browser, tmp_path
):
    tenant = make_tenant(
        slug="maple",
        name="Maple Tax & Advisory",
        welcome_message="Welcome! Your documents checklist is waiting.",
    )
    db.session.add(
        StaffMember(
            tenant_id=tenant.id,
            email="kim@maple.example",
            role="owner",
            password_hash=hash_password(STAFF_PASSWORD),
        )
    )
    db.session.commit()

    staff = browser.new_context().new_page()
    staff.goto(live_server.url("maple", "/admin/sign-in"))
    staff.get_by_label("Email").fill("kim@maple.example")
    staff.get_by_label("Password").fill(STAFF_PASSWORD)
    staff.get_by_role("button", name="Sign in", exact=True).click()
    staff.goto(live_server.url("maple", "/admin/clients/new"))
    staff.get_by_label("Account name").fill("Rivera Family")
    staff.get_by_label("Account type").select_option("household")
    staff.get_by_label("Contact name").fill("Luz Rivera")
    staff.get_by_label("Contact email").fill("luz@rivera.example")
    staff.get_by_label("Personal message").fill("Hi Luz, here is your portal.")
    staff.get_by_role("button", name="Create client").click()
    staff.wait_for_url(re.compile(r".*/admin/clients/\d+$"))
    assert "Invited" in staff.content()

    [mail] = smtp.wait_for(1, to="luz@rivera.example")
    link = LINK.search(text_of(mail)).group(0)
    assert link.startswith(live_server.url("maple", "/invite/"))

    client = browser.new_context().new_page()
    client.goto(link)
    assert client.get_by_role("heading", name="Welcome to Maple Tax & Advisory").is_visible()
    client.get_by_label("New password").fill("sunlit river pebble 88")
    client.get_by_label("Confirm password").fill("sunlit river pebble 88")
    client.get_by_role("button", name="Set password and sign in").click()
    client.wait_for_url(live_server.url("maple", "/"))
    assert client.get_by_role("heading", name="Rivera Family").is_visible()
    client.screenshot(path=tmp_path / "client-home.png", full_page=True)
    # Messages is on: the firm's welcome is the first message of a Welcome thread.
    client.goto(live_server.url("maple", "/messages/"))
    client.get_by_role("link", name="Welcome").first.click()
    assert client.get_by_text("Welcome! Your documents checklist is waiting.").is_visible()

    staff.reload()
    assert "Active" in staff.content()
