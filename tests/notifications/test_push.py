"""Web Push: a device subscribes through the page's endpoint, a notification reaches the
loopback push service encrypted for that device only, and a gone device is forgotten."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.core.errors import UserError
from portal.core.extensions import db
from portal.notifications.models import PushSubscription
from portal.notifications.push import subscribe, vapid_keys
from portal.notifications.service import Recipient
from tenants.resolution import snapshot_by_id

DATA_CSRF = re.compile(r'data-csrf="([^"]+)"')


def add_device(client, subscription, page="/notifications", action="/notifications/devices"):  # type: ignore[no-untyped-def]
    html = client.get(page).get_data(as_text=True)
    token = DATA_CSRF.search(html).group(1)
    return client.post(action, json=subscription, headers={"X-CSRFToken": token})


def test_client_device_receives_the_decrypted_push(app, tenant, portal_client, push_service, send):
    subscription = push_service.subscription()
    saved = portal_client.submit(
        "/notifications/preferences",
        {"show_preview": "y", "kind_request_status": "every", "kind_message_new": "every"},
    )
    assert saved.status_code == 303
    response = add_device(portal_client, subscription)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"ok": True, "devices": 1}
    assert "Turned on for 1 device" in portal_client.get("/notifications").get_data(as_text=True)

    send(
        [Recipient("client", portal_client.contact_id)],
        kind="request.status",
        title="Your request is in progress",
        body="We started on your 2025 return.",
        path="/requests/4",
        group_key="request:4",
    )
    [delivery] = push_service.wait_for(1)
    assert delivery.payload == {
        "title": "Your request is in progress",
        "body": "We started on your 2025 return.",
        "url": "/requests/4",
        "tag": "request:4",
    }
    assert delivery.vapid_key == vapid_keys().public_key
    assert delivery.subject.startswith("mailto:")
    assert delivery.token in subscription["endpoint"]


def test_a_gone_device_is_deleted(app, tenant, staff, push_service, send):
    me = Recipient("staff", staff.id)
    snapshot = snapshot_by_id(tenant.id)
    alive, dead = push_service.subscription(), push_service.subscription()
    for sub in (alive, dead):
        subscribe(snapshot, me, sub, origin="https://acme.foyer.example", user_agent="test")
    db.session.commit()
    push_service.answer_gone(dead["endpoint"])
    send([me])
    [delivery] = push_service.wait_for(1)
    assert delivery.token in alive["endpoint"]
    db.session.expire_all()
    left = db.session.scalars(select(PushSubscription.endpoint)).all()
    assert left == [alive["endpoint"]]


def test_no_push_when_the_preference_is_not_every_event(app, tenant, staff, push_service, send):
    from portal.notifications.preferences import save_preferences

    me = Recipient("staff", staff.id)
    snapshot = snapshot_by_id(tenant.id)
    subscribe(snapshot, me, push_service.subscription(), origin="", user_agent="")
    save_preferences(snapshot, me, {"message.new": "digest", "push.preview": "every"})
    db.session.commit()
    send([me])
    send([me], kind="request.new", title="New request")
    [delivery] = push_service.wait_for(1)
    assert delivery.payload["title"] == "New request"


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example/x",
        "https://127.0.0.1/x",
        "https://10.0.0.5/x",
        "https://localhost/x",
        "ftp://push.example/x",
        "http://127.0.0.1:9/x",
        "https://user:pw@push.example/x",
    ],
)
def test_unsafe_endpoints_are_refused(app, tenant, staff, endpoint, push_service, monkeypatch):
    monkeypatch.setitem(app.config, "PUSH_ALLOW_LOOPBACK_HTTP", False)  # as in production
    subscription = {**push_service.subscription(), "endpoint": endpoint}
    with pytest.raises(UserError):
        subscribe(
            snapshot_by_id(tenant.id),
            Recipient("staff", staff.id),
            subscription,
            origin="",
            user_agent="",
        )


def test_bad_subscriptions_get_a_clear_error(app, tenant, portal_client):
    response = add_device(portal_client, {"endpoint": "https://push.example/x", "keys": {}})
    assert response.status_code == 422
    assert response.get_json()["error"] == "This browser's push keys are not valid."
    html = portal_client.get("/notifications").get_data(as_text=True)
    token = DATA_CSRF.search(html).group(1)
    assert portal_client.post("/notifications/devices", json={}).status_code == 400  # no CSRF
    assert (
        portal_client.post(
            "/notifications/devices", data="x", headers={"X-CSRFToken": token}
        ).status_code
        == 422
    )


def test_signing_out_forgets_this_device_only(app, tenant, portal_client, push_service):
    kept = push_service.subscription()
    subscribe(
        snapshot_by_id(tenant.id),
        Recipient("client", portal_client.contact_id),
        kept,
        origin="",
        user_agent="another phone",
    )
    db.session.commit()
    assert add_device(portal_client, push_service.subscription()).status_code == 200
    assert portal_client.submit("/", {}, action="/sign-out").status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(PushSubscription.endpoint)).all() == [kept["endpoint"]]


def test_a_failing_push_service_is_retried_for_its_device_only(
    app, tenant, staff, push_service, send, monkeypatch
):
    import jobs.notifications as push_jobs
    from jobs.notifications import send_notification_push
    from portal.notifications.models import Notification

    monkeypatch.setattr(push_jobs, "PUSH_RETRY_DELAYS", (0.5,))
    me = Recipient("staff", staff.id)
    snapshot = snapshot_by_id(tenant.id)
    working, flaky = push_service.subscription(), push_service.subscription()
    for sub in (working, flaky):
        subscribe(snapshot, me, sub, origin="", user_agent="")
    db.session.commit()
    push_service.fail(flaky["endpoint"])
    send([me])
    [first] = push_service.wait_for(1)
    assert first.token in working["endpoint"]
    push_service.fail(flaky["endpoint"], False)
    deliveries = push_service.wait_for(2)  # the retry, 0.5 s later, to the flaky device only
    assert deliveries[1].token in flaky["endpoint"]
    notification_id = db.session.scalar(select(Notification.id))
    assert send_notification_push(notification_id, [], 9) == 0
    assert len(push_service.deliveries) == 2


def test_a_locked_phone_shows_no_names_by_default(app, tenant, staff, push_service, send):
    me = Recipient("staff", staff.id)
    subscribe(snapshot_by_id(tenant.id), me, push_service.subscription(), origin="", user_agent="")
    db.session.commit()
    send(
        [me], title="New message from Ada Lovelace", body="My divorce papers", path="/admin/inbox/4"
    )
    [delivery] = push_service.wait_for(1)
    assert delivery.payload == {
        "title": "Acme Accounting",
        "body": "New messages: open to read",
        "url": "/admin/inbox/4",
        "tag": "thread:12",
    }


def test_send_a_test_notification_to_this_device(app, tenant, portal_client, push_service):
    page = portal_client.get("/notifications").get_data(as_text=True)
    assert "Send a test notification" not in page
    refused = portal_client.submit("/notifications", {}, action="/notifications/devices/test")
    assert refused.status_code == 303
    assert "Turn on notifications on this device first." in portal_client.get(
        "/notifications"
    ).get_data(as_text=True)
    assert add_device(portal_client, push_service.subscription()).status_code == 200
    assert "Send a test notification" in portal_client.get("/notifications").get_data(as_text=True)
    sent = portal_client.submit("/notifications", {}, action="/notifications/devices/test")
    assert sent.status_code == 303
    [delivery] = push_service.wait_for(1)
    assert delivery.payload == {
        "title": "Acme Accounting",
        "body": "Test notification: notifications work on this device.",
        "url": "/notifications",
        "tag": "test",
    }
