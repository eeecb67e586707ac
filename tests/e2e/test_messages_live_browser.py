"""A conversation updates live in the client's open page: staff reply over HTTP, the message
appears without a reload (the page polls)."""

from __future__ import annotations

import re

import pytest

from portal.auth.models import StaffMember
from portal.auth.passwords import hash_password
from portal.clients.models import AccountContact, ClientAccount, Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from tests.fixtures.people import sign_in_staff
from tests.fixtures.tenants import csrf_from

pytestmark = pytest.mark.browser

PASSWORD = "sunlit river pebble 88"
STAFF_PASSWORD = "quiet harbour ledger 17"


@pytest.mark.slow
def test_a_staff_reply_appears_in_the_open_thread(live_server, make_tenant, page) -> None:  # type: ignore[no-untyped-def]
    tenant = make_tenant(slug="maple", name="Maple Tax & Advisory")
    account = ClientAccount(tenant_id=tenant.id, name="Rivera Family", kind="household")
    contact = Contact(
        tenant_id=tenant.id,
        email="luz@rivera.example",
        name="Luz Rivera",
        password_hash=hash_password(PASSWORD),
        activated_at=utcnow(),
        welcomed_at=utcnow(),
    )
    staff = StaffMember(
        tenant_id=tenant.id,
        email="kim@maple.example",
        name="Kim",
        role="owner",
        password_hash=hash_password(STAFF_PASSWORD),
    )
    db.session.add_all([account, contact, staff])
    db.session.flush()
    db.session.add(
        AccountContact(
            tenant_id=tenant.id, account_id=account.id, contact_id=contact.id, login_enabled=True
        )
    )
    db.session.commit()

    page.goto(live_server.url("maple", "/sign-in"))
    page.get_by_label("Email").fill("luz@rivera.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(live_server.url("maple", "/"))
    page.goto(live_server.url("maple", "/messages/new"))
    page.get_by_label("Subject").fill("Quarterly VAT")
    page.get_by_label("Message").fill("Is the return filed? See https://example.com/vat")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r".*/messages/\d+(#latest)?$"))
    thread_id = int(re.search(r"/messages/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    assert page.get_by_role("link", name="https://example.com/vat").is_visible()

    firm = live_server.app.test_client(host="maple.foyer.example")
    sign_in_staff(firm, "kim@maple.example", STAFF_PASSWORD)
    thread_page = f"/admin/inbox/{thread_id}"
    csrf = csrf_from(firm.get(thread_page).get_data(as_text=True))
    reply = "Filed yesterday <b>for you</b>"
    response = firm.post(thread_page, data={"csrf_token": csrf, "body": reply})
    assert response.status_code == 303

    loaded_at = page.evaluate("performance.timeOrigin")
    message = page.get_by_text(reply)  # escaped: the tags show as text
    message.wait_for(timeout=15_000)
    assert page.evaluate("performance.timeOrigin") == loaded_at, "the page was not reloaded"
    assert page.locator("ol.conversation li.message").count() == 2
    page.set_viewport_size({"width": 375, "height": 700})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the thread scrolls sideways at 375 px ({width})"
