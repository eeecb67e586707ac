"""A client opens a lesson in Chromium, marks it complete and lands on the next one with the
progress bar moved on; the course pages fit a 375 px wide phone."""

from __future__ import annotations

from typing import Any

import pytest

from portal.clients.models import ClientAccount
from portal.core.extensions import db
from portal.courses import service
from tenants.resolution import snapshot_of
from tests.fixtures.people import add_client_login

pytestmark = pytest.mark.browser
PASSWORD = "maple kettle horizon 58"


def course_page(live_server: Any, make_tenant: Any, browser: Any, **context: Any) -> Any:
    tenant = make_tenant(slug="maple", name="Maple Tax & Advisory")
    account = ClientAccount(tenant_id=tenant.id, name="Rivera Family", kind="household")
    db.session.add(account)
    db.session.flush()
    contact = add_client_login(tenant.id, account.id, "luz@rivera.example", "Luz Rivera", PASSWORD)
    snapshot = snapshot_of(tenant)
    course = service.create_course(snapshot, "Getting ready for tax season", "Two short lessons.")
    section = service.add_section(snapshot, course, "Paperwork")
    service.add_lesson(snapshot, section, "Gather your receipts", "Keep **every** receipt.", "")
    service.add_lesson(snapshot, section, "Sign the engagement letter", "- Read it\n- Sign", "")
    service.publish(snapshot, course)
    db.session.commit()
    page = browser.new_context(**context).new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url("maple", "/sign-in"))
    page.fill("input[name=email]", contact.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(live_server.url("maple", "/courses/"))
    return page


@pytest.mark.slow
def test_client_opens_a_lesson_and_marks_it_complete(live_server, make_tenant, browser):  # type: ignore[no-untyped-def]
    page = course_page(live_server, make_tenant, browser)
    bar = page.get_by_label("0 of 2 lessons completed")
    assert bar.get_attribute("value") == "0"
    page.get_by_role("link", name="Start “Getting ready for tax season”").click()
    page.get_by_role("heading", name="Gather your receipts").wait_for()
    assert page.locator(".course-body strong").inner_text() == "every"
    page.get_by_role("button", name="Mark complete and continue").click()
    page.get_by_role("heading", name="Sign the engagement letter").wait_for()
    assert "“Gather your receipts” is complete." in page.content()
    assert page.get_by_label("1 of 2 lessons completed").get_attribute("value") == "50"
    page.get_by_role("link", name="Previous: Gather your receipts").click()
    page.get_by_role("button", name="Mark as not complete").wait_for()
    page.goto(live_server.url("maple", "/courses/"))
    assert page.get_by_label("1 of 2 lessons completed").get_attribute("value") == "50"
    page.get_by_role("link", name="Resume “Getting ready for tax season”").click()
    page.get_by_role("heading", name="Sign the engagement letter").wait_for()


@pytest.mark.slow
def test_course_pages_fit_375px(live_server, make_tenant, browser):  # type: ignore[no-untyped-def]
    page = course_page(live_server, make_tenant, browser, viewport={"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("link", name="Start “Getting ready for tax season”").click()
    page.get_by_role("heading", name="Gather your receipts").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
