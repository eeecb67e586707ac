"""Outgoing webhooks: signed deliveries that a loopback receiver verifies, retries with back-off,
and the delivery log."""

from __future__ import annotations

from typing import Any

import pytest

from portal.core.extensions import db
from portal.webhooks import service
from portal.webhooks.models import WebhookDelivery
from tenants.resolution import snapshot_of
from tests.api.conftest import Api, Receiver


@pytest.fixture
def endpoint(tenant: Any, receiver: Receiver) -> Any:
    row = service.add_endpoint(
        snapshot_of(tenant), receiver.url, ["client.invited", "request.created"]
    )
    db.session.commit()
    receiver.secret = row.secret
    return row


def _deliveries(tenant: Any) -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(service.owned(WebhookDelivery, tenant.id)))


def test_an_invitation_and_a_request_arrive_signed(
    api: Api, tenant: Any, endpoint: Any, receiver: Receiver
) -> None:
    from portal.messaging.requests import add_type

    account = api.post("/clients", {"name": "Hooked Co"}).get_json()
    contact = api.post(
        f"/clients/{account['id']}/contacts", {"email": "hook@example.com", "login": True}
    ).get_json()
    api.post("/invitations", {"contact_id": contact["id"]})
    kind = add_type(snapshot_of(tenant), "Question")
    db.session.commit()
    api.post("/requests", {"account_id": account["id"], "type_id": kind.id, "subject": "Hi"})
    assert receiver.bad_signatures == 0
    assert [e["type"] for e in receiver.events] == ["client.invited", "request.created"]
    assert receiver.events[0]["data"]["email"] == "hook@example.com"
    assert receiver.events[1]["data"]["subject"] == "Hi"
    assert {d.status for d in _deliveries(tenant)} == {"delivered"}
    assert {d.response_code for d in _deliveries(tenant)} == {200}


def test_a_failed_delivery_is_retried_with_back_off(
    tenant: Any, endpoint: Any, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jobs.webhooks

    queued: list[tuple[Any, ...]] = []
    monkeypatch.setattr(jobs.webhooks, "enqueue", lambda *a, **kw: queued.append((a, kw)))
    receiver.statuses = [500]
    service.emit(snapshot_of(tenant), "client.invited", {"contact_id": 1})
    db.session.commit()  # the first attempt runs after the commit and gets a 500
    [delivery] = _deliveries(tenant)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert queued == [((service.DELIVER_JOB, delivery.id), {"delay": 60})]
    assert jobs.webhooks.deliver_webhook(delivery.id) == "delivered"
    [delivery] = _deliveries(tenant)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 2, 200)
    # both attempts carried the same webhook-id, so the receiver can drop the duplicate
    assert receiver.ids == [delivery.message_id] * 2


def test_delivery_gives_up_after_five_retries(
    tenant: Any, endpoint: Any, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jobs.webhooks

    delays: list[float] = []
    monkeypatch.setattr(jobs.webhooks, "enqueue", lambda *a, **kw: delays.append(kw["delay"]))
    receiver.statuses = [503] * 6
    service.emit(snapshot_of(tenant), "request.created", {"request_id": 1})
    db.session.commit()
    [delivery] = _deliveries(tenant)
    for _ in range(5):
        jobs.webhooks.deliver_webhook(delivery.id)
    [delivery] = _deliveries(tenant)
    assert delivery.status == "failed" and delivery.attempts == 6
    assert delays == [60, 300, 1800, 7200, 21600]


def test_unsubscribed_events_are_not_sent(tenant: Any, endpoint: Any) -> None:
    service.emit(snapshot_of(tenant), "message.created", {"message_id": 1})
    db.session.commit()
    assert _deliveries(tenant) == []
