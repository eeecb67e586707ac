"""A staff member adds a passkey in Chromium (the DevTools virtual authenticator stands in for
the device) and then signs in with it alone, from the sign-in page's passkey button."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.fixtures.people import tenant_host
from tests.fixtures.tenants import STAFF_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


@pytest.fixture
def secure_page(browser: Any, live_server: Any, tenant: Any) -> Iterator[Any]:
    """A page in a Chromium that treats the tenant's plain-http origin as secure (WebAuthn
    needs a secure context; the live server speaks http), with a virtual authenticator."""
    origin = live_server.url(tenant_host(tenant), "").rstrip("/")
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, f"--unsafely-treat-insecure-origin-as-secure={origin}"],
    )
    context = chromium.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    devtools = context.new_cdp_session(page)
    devtools.send("WebAuthn.enable", {"enableUI": False})
    added = devtools.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
    page.devtools = devtools
    page.authenticator_id = added["authenticatorId"]
    try:
        yield page
    finally:
        context.close()
        chromium.close()


def test_staff_adds_a_passkey_and_signs_in_with_it(live_server, secure_page, tenant, staff):
    page = secure_page
    host = tenant_host(tenant)
    page.goto(live_server.url(host, "/admin/sign-in"))
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(live_server.url(host, "/admin/"))

    page.goto(live_server.url(host, "/admin/security"))
    page.get_by_role("button", name="Add a passkey").click()
    page.get_by_label("Name of this passkey").fill("Work laptop")
    page.get_by_role("button", name="Create the passkey").click()
    page.wait_for_url(live_server.url(host, "/admin/security"))
    assert page.get_by_text("Passkey “Work laptop” added.").is_visible()
    assert page.get_by_role("cell", name="Work laptop", exact=True).is_visible()
    stored = page.devtools.send(
        "WebAuthn.getCredentials", {"authenticatorId": page.authenticator_id}
    )["credentials"]
    assert len(stored) == 1 and stored[0]["isResidentCredential"]
    assert stored[0]["rpId"] == host

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url(host, "/admin/sign-in"))
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(live_server.url(host, "/admin/"))
    assert page.get_by_role("heading", name="Firm dashboard").is_visible()
    assert page.locator("[data-passkey-error]").count() == 0
