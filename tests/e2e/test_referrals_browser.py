"""Referrals in Chromium at 375 px: the page fits, Copy link says it copied, and a visitor who
follows the link lands on the sign-up page carrying the first-touch cookie."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from portal.core.extensions import db
from portal.referrals.links import COOKIE
from portal.referrals.models import ReferralClick
from tenants.models import Tenant
from tenants.resolution import forget_tenants
from tests.e2e.test_files_browser import client_page
from tests.referrals.conftest import open_programme

pytestmark = pytest.mark.browser


@pytest.mark.slow
def test_referral_link_copy_and_follow_at_375px(live_server, make_tenant, browser):  # type: ignore[no-untyped-def]
    page = client_page(live_server, make_tenant, browser, viewport={"width": 375, "height": 740})
    tenant: Any = db.session.scalar(select(Tenant).where(Tenant.slug == "maple"))
    tenant.signup_mode = "open"
    db.session.commit()
    forget_tenants()
    open_programme(tenant.id)
    page.goto(live_server.url("maple", "/referrals/"))
    page.get_by_role("heading", name="Your referral link").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    link = page.get_by_role("textbox", name="Referral link").input_value()
    assert link.startswith(live_server.url("maple", "/r/"))
    page.get_by_role("button", name="Copy link").click()
    page.get_by_role("status").filter(has_text="Copied").wait_for()

    visitor = browser.new_context()
    other = visitor.new_page()
    other.goto(link)
    other.wait_for_url("**/sign-up")
    assert any(cookie["name"] == COOKIE for cookie in visitor.cookies())
    visitor.close()
    assert db.session.scalar(select(ReferralClick.id)) is not None
    page.reload()
    assert page.locator(".stats dd").first.inner_text() == "1"  # the click counts
