"""A firm's owner accepts the emailed invitation in a real browser and lands on the dashboard."""

from __future__ import annotations

import re

import pytest

from portal.auth.staff import provision_tenant
from portal.core.extensions import db
from tenants.resolution import forget_tenants
from tests.fixtures.smtp import text_of

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://\S+/admin/invitation/\S+")


@pytest.mark.slow
def test_owner_accepts_invitation_and_reaches_dashboard(live_server, smtp, page, tmp_path):
    provision_tenant("harbour", "Harbour & Sons Tax Advisers", "owner@harbour.example")
    db.session.commit()
    forget_tenants()

    [message] = smtp.wait_for(1, to="owner@harbour.example")
    match = LINK.search(text_of(message))
    assert match, text_of(message)
    link = match.group(0)
    assert link.startswith(live_server.url("harbour", "/admin/invitation/"))

    page.goto(link)
    assert "Harbour & Sons Tax Advisers" in page.locator("h1").inner_text()
    page.get_by_label("New password").fill("correct horse battery staple")
    page.get_by_label("Confirm password").fill("correct horse battery staple")
    page.get_by_role("button", name="Set password and sign in").click()

    page.wait_for_url(live_server.url("harbour", "/admin/"))
    assert page.get_by_role("heading", name="Firm dashboard").is_visible()
    assert "owner@harbour.example" in page.content()
    page.screenshot(path=tmp_path / "firm-dashboard.png", full_page=True)
    cookies = {cookie["name"] for cookie in page.context.cookies()}
    assert "foyer" in cookies
