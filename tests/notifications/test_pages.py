"""The notification centre as clients and staff see it: badge, list, open, mark read,
preferences, manifests and the service worker."""

from __future__ import annotations

import re

from portal.notifications.service import Recipient
from tests.fixtures.tenants import csrf_from

BADGE = re.compile(r"data-notification-badge[^>]*>(\d+)")


def badge(html: str) -> int:
    match = BADGE.search(html)
    return int(match.group(1)) if match else 0


def test_client_bell_list_open_and_mark_all_read(app, portal_client, send):
    me = Recipient("client", portal_client.contact_id)
    assert badge(portal_client.get("/").get_data(as_text=True)) == 0
    empty = portal_client.get("/notifications").get_data(as_text=True)
    assert "No notifications yet" in empty

    send([me], title="Sam replied to “2025 taxes”", body="<b>See</b> the note", path="/messages/7")
    send([me], title="Your request is done", path="/requests/3", group_key="request:3")
    home = portal_client.get("/").get_data(as_text=True)
    assert badge(home) == 2
    page = portal_client.get("/notifications").get_data(as_text=True)
    assert "Sam replied to “2025 taxes”" in page
    assert "&lt;b&gt;See&lt;/b&gt; the note" in page  # plain text, escaped
    first_id = int(re.findall(r"/notifications/(\d+)/open", page)[-1])

    opened = portal_client.post(
        f"/notifications/{first_id}/open", data={"csrf_token": csrf_from(page)}
    )
    assert opened.status_code == 303 and opened.headers["Location"] == "/messages/7"
    assert badge(portal_client.get("/notifications").get_data(as_text=True)) == 1

    done = portal_client.submit("/notifications", {}, action="/notifications/read-all")
    assert done.status_code == 303
    after = portal_client.get("/notifications").get_data(as_text=True)
    assert badge(after) == 0 and "Marked 1 notification as read." in after


def test_posts_need_the_csrf_token(app, portal_client, send):
    send([Recipient("client", portal_client.contact_id)])
    page = portal_client.get("/notifications").get_data(as_text=True)
    notification_id = int(re.search(r"/notifications/(\d+)/read", page).group(1))
    assert portal_client.post("/notifications/read-all").status_code == 400
    assert portal_client.post(f"/notifications/{notification_id}/read").status_code == 400
    assert portal_client.post("/notifications/preferences", data={}).status_code == 400
    assert badge(portal_client.get("/notifications").get_data(as_text=True)) == 1


def test_client_preferences(app, portal_client):
    page = portal_client.get("/notifications/preferences")
    assert page.status_code == 200 and "New messages" in page.get_data(as_text=True)
    saved = portal_client.submit(
        "/notifications/preferences",
        {"kind_message_new": "digest", "kind_request_status": "off"},
    )
    assert saved.status_code == 303
    html = portal_client.get("/notifications/preferences").get_data(as_text=True)
    assert re.search(r'<option selected value="digest">|<option value="digest" selected', html)
    bad = portal_client.submit("/notifications/preferences", {"kind_message_new": "sometimes"})
    assert bad.status_code == 422 and "Not a valid choice" in bad.get_data(as_text=True)


def test_staff_centre_and_preferences(app, firm, staff, send):
    send(
        [Recipient("staff", staff.id)],
        kind="request.new",
        title="New request from Jane Jones",
        path="/admin/requests/5",
        group_key="request:5",
    )
    page = firm.get("/admin/notifications/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "New request from Jane Jones" in html
    assert "Turn on notifications on this device" in html
    notification_id = int(re.search(r"/admin/notifications/(\d+)/open", html).group(1))
    opened = firm.post(
        f"/admin/notifications/{notification_id}/open", data={"csrf_token": csrf_from(html)}
    )
    assert opened.headers["Location"] == "/admin/requests/5"
    saved = firm.submit("/admin/notifications/preferences", {"kind_request_new": "off"})
    assert saved.status_code == 303


def test_manifests_and_service_worker(app, tenant, client_for, firm):
    client = client_for(f"{tenant.slug}.foyer.example")
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.get_json()["name"] == "Acme Accounting"
    assert manifest.get_json()["start_url"] == "/"
    assert manifest.get_json()["theme_color"].startswith("#")
    staff = firm.get("/admin/notifications/manifest.webmanifest").get_json()
    assert staff["scope"] == "/admin/" and staff["name"] == "Acme Accounting (staff)"
    assert client.get("/app-icon.svg").mimetype == "image/svg+xml"
    worker = client.get("/service-worker.js")
    assert worker.status_code == 200
    assert worker.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in worker.headers["Cache-Control"]
    script = worker.get_data(as_text=True)
    assert 'addEventListener("push"' in script and 'addEventListener("notificationclick"' in script
    assert 'addEventListener("fetch"' not in script  # network only: nothing private is cached
    assert 'rel="manifest"' in client.get("/sign-in").get_data(as_text=True)


def test_opening_a_notification_of_another_account_switches_to_it(app, tenant, portal_client, send):
    from portal.clients import directory
    from portal.clients.models import AccountContact
    from portal.core.extensions import db

    trust = directory.create_account(tenant.id, "Smith Trust", "company")
    db.session.flush()
    db.session.add(
        AccountContact(
            tenant_id=tenant.id,
            account_id=trust.id,
            contact_id=portal_client.contact_id,
            login_enabled=True,
        )
    )
    db.session.commit()
    send([Recipient("client", portal_client.contact_id)], account_id=trust.id, path="/")
    assert "<h1>Jones Household</h1>" in portal_client.get("/").get_data(as_text=True)
    page = portal_client.get("/notifications").get_data(as_text=True)
    assert "New messages · Smith Trust" in page
    notification_id = int(re.search(r"/notifications/(\d+)/open", page).group(1))
    opened = portal_client.post(
        f"/notifications/{notification_id}/open", data={"csrf_token": csrf_from(page)}
    )
    assert opened.headers["Location"] == "/"
    assert "<h1>Smith Trust</h1>" in portal_client.get("/").get_data(as_text=True)


def test_staff_bell_in_the_dashboard_header(app, firm, staff, send):
    assert badge(firm.get("/admin/").get_data(as_text=True)) == 0
    send([Recipient("staff", staff.id)])
    html = firm.get("/admin/").get_data(as_text=True)
    assert badge(html) == 1 and 'href="/admin/notifications/"' in html
