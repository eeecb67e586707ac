"""A client writes a post in a community group in Chromium and sees it in the feed, also at
375 px wide without sideways scrolling."""

from __future__ import annotations

from typing import Any

import pytest

from portal.auth.passwords import hash_password
from portal.clients.models import AccountContact, ClientAccount, Contact
from portal.community.models import Group
from portal.core.database import utcnow
from portal.core.extensions import db

pytestmark = pytest.mark.browser
PASSWORD = "maple kettle horizon 58"


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 375])
def test_client_writes_a_post_and_sees_it_in_the_feed(
    live_server: Any, make_tenant: Any, browser: Any, width: int
) -> None:
    tenant = make_tenant(slug="maple", name="Maple Tax & Advisory")
    account = ClientAccount(tenant_id=tenant.id, name="Rivera Family", kind="household")
    contact = Contact(
        tenant_id=tenant.id,
        email="luz@rivera.example",
        name="Luz Rivera",
        password_hash=hash_password(PASSWORD),
        activated_at=utcnow(),
    )
    group = Group(tenant_id=tenant.id, name="Small landlords", description="Tips and questions")
    db.session.add_all([account, contact, group])
    db.session.flush()
    db.session.add(
        AccountContact(
            tenant_id=tenant.id, account_id=account.id, contact_id=contact.id, login_enabled=True
        )
    )
    db.session.commit()
    page = browser.new_context(viewport={"width": width, "height": 800}).new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url("maple", "/sign-in"))
    page.fill("input[name=email]", contact.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(live_server.url("maple", "/community/"))
    page.get_by_role("link", name="Small landlords").click()
    page.get_by_label("Your post").fill("Does anyone use a **letting agent**?")
    page.get_by_label("Markdown (**bold**, *italic*, lists, links)").check()
    page.get_by_role("button", name="Post", exact=True).click()
    page.get_by_text("Your post is up.").wait_for()
    page.get_by_role("link", name=f"← {group.name}").click()
    post = page.locator(".post-card").first
    post.get_by_text("Does anyone use a").wait_for()
    assert post.locator("strong", has_text="letting agent").is_visible()
    assert "Luz Rivera" in post.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    post.get_by_role("button", name="Heart").click()
    page.wait_for_load_state()
    heart = page.locator(".post-card").first.get_by_role("button", name="Heart")
    assert heart.get_attribute("aria-pressed") == "true"
