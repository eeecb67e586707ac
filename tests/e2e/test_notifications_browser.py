"""Chromium: staff turn on push notifications on a device from the notification centre.

The firm's host is `acme.localhost`, which Chromium treats as a secure context (service
workers and the Push API need one). Subscribing asks the browser's own push service (Google's
for Chromium), which this offline machine cannot reach: then the page must say clearly that
it could not turn notifications on, and stay usable. With a reachable push service the device
is stored. Both outcomes are accepted; either way the service worker is registered, and a push
handed to it (DevTools' deliverPushMessage) shows its notification.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.auth.models import StaffMember
from portal.auth.passwords import hash_password
from portal.core.extensions import db
from portal.notifications.models import PushSubscription

pytestmark = pytest.mark.browser

STAFF_PASSWORD = "quiet harbour ledger 17"


@pytest.fixture
def app_config(app_config):  # type: ignore[no-untyped-def]
    return {**app_config, "PLATFORM_DOMAIN": "localhost"}


@pytest.mark.slow
def test_staff_turns_on_push_on_this_device(live_server, make_tenant, browser):
    tenant = make_tenant(slug="acme", name="Acme Accounting")
    db.session.add(
        StaffMember(
            tenant_id=tenant.id,
            email="kim@acme.example",
            role="owner",
            password_hash=hash_password(STAFF_PASSWORD),
        )
    )
    db.session.commit()
    origin = f"http://acme.localhost:{live_server.port}"
    context = browser.new_context()
    context.set_default_timeout(20_000)
    context.grant_permissions(["notifications"], origin=origin)
    page = context.new_page()
    try:
        page.goto(f"{origin}/admin/sign-in")
        page.get_by_label("Email").fill("kim@acme.example")
        page.get_by_label("Password").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_url(f"{origin}/admin/**")
        page.goto(f"{origin}/admin/notifications/")
        assert page.evaluate("window.isSecureContext && 'PushManager' in window")
        assert page.evaluate("Notification.permission") == "granted"

        page.get_by_role("button", name="Turn on notifications on this device").click()
        status = page.locator("[data-push-status]")
        page.wait_for_function(
            "s => !['', 'Turning on notifications…'].includes(document.querySelector(s).innerText)",
            arg="[data-push-status]",
            timeout=60_000,
        )
        scopes = page.evaluate(
            "navigator.serviceWorker.getRegistrations().then(rs => rs.map(r => r.scope))"
        )
        assert f"{origin}/admin/" in scopes
        text = status.text_content() or ""
        stored = db.session.scalars(select(PushSubscription)).all()
        if text == "Notifications are on for this device.":
            assert len(stored) == 1 and stored[0].origin == origin
        else:
            assert text.startswith("Could not turn on notifications: "), text
            assert "You still get emails" in text
            assert stored == []
            assert page.get_by_role(
                "button", name="Turn on notifications on this device"
            ).is_enabled()
            page.get_by_role("link", name="Email preferences").click()
            page.wait_for_url(f"{origin}/admin/notifications/preferences")
            assert page.get_by_role("heading", name="Email preferences").is_visible()
        shown = _deliver_push(context, page, origin)
        assert shown == [["New request from Jane", "Please call me", "request:5"]]
    finally:
        context.close()


def _deliver_push(context, page, origin: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Hand the registered service worker a push, as the push service would (DevTools'
    ServiceWorker.deliverPushMessage), and return the notifications it showed."""
    cdp = context.new_cdp_session(page)
    registrations: dict[str, str] = {}
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.update(
            {r["scopeURL"]: r["registrationId"] for r in event["registrations"]}
        ),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(500)
    payload = '{"title": "New request from Jane", "body": "Please call me", '
    payload += '"url": "/admin/requests/5", "tag": "request:5"}'
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": origin, "registrationId": registrations[f"{origin}/admin/"], "data": payload},
    )
    script = """async () => {
      const registration = await navigator.serviceWorker.getRegistration('/admin/');
      for (let i = 0; i < 50; i++) {
        const shown = await registration.getNotifications();
        if (shown.length) return shown.map(n => [n.title, n.body, n.tag]);
        await new Promise(r => setTimeout(r, 100));
      }
      return [];
    }"""
    return page.evaluate(script)
