"""Emitting events (a delivery row in the caller's transaction, queued after its commit),
signing them the Standard Webhooks way, and the firm's endpoint settings."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Select, delete, select

from jobs.queue import enqueue
from portal.core.database import after_commit, utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.webhooks.models import WebhookDelivery, WebhookEndpoint
from tenants.scoping import get_owned, owned, tenant_id_of
from tenants.snapshot import TenantSnapshot

EVENTS = (
    "client.invited",
    "client.activated",
    "signup.verified",
    "request.created",
    "message.created",
    "invoice.paid",
    "domain.verified",
)
TEST_EVENT = "webhook.test"
# Delays before the retries (seconds): 1 min, 5 min, 30 min, 2 h, 6 h; then it is given up.
BACKOFF = (60, 300, 1800, 7200, 21600)
MAX_ATTEMPTS = len(BACKOFF) + 1
DELIVER_JOB = "deliver_webhook"


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """The `webhook-signature` value: v1,<base64 HMAC-SHA256 of "id.timestamp.body">."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def emit(tenant: TenantSnapshot | int, event_type: str, data: dict[str, Any]) -> None:
    """Record one delivery per subscribed endpoint; they are sent after the caller commits."""
    tenant_id = tenant_id_of(tenant)
    endpoints = db.session.scalars(
        owned(WebhookEndpoint, tenant_id, WebhookEndpoint.active.is_(True))
    ).all()
    for endpoint in endpoints:
        if event_type in endpoint.event_list or event_type == TEST_EVENT:
            _record(tenant_id, endpoint, event_type, data)


def send_test(tenant: TenantSnapshot, endpoint: WebhookEndpoint) -> WebhookDelivery:
    return _record(tenant.id, endpoint, TEST_EVENT, {"message": "Test event from Foyer"})


def _record(
    tenant_id: int, endpoint: WebhookEndpoint, event_type: str, data: dict[str, Any]
) -> WebhookDelivery:
    now = utcnow()
    message_id = "msg_" + secrets.token_hex(12)
    payload = json.dumps(
        {"type": event_type, "timestamp": now.isoformat() + "Z", "data": data},
        separators=(",", ":"),
    )
    delivery = WebhookDelivery(
        tenant_id=tenant_id,
        endpoint_id=endpoint.id,
        message_id=message_id,
        event_type=event_type,
        payload=payload,
        next_attempt_at=now,
    )
    db.session.add(delivery)
    db.session.flush()
    after_commit(_enqueue, delivery.id)
    return delivery


def _enqueue(*delivery_ids: int) -> None:
    for delivery_id in delivery_ids:
        enqueue(DELIVER_JOB, delivery_id)


def schedule_retry(delivery: WebhookDelivery) -> float | None:
    """After a failed attempt: the delay before the next one, or None once it is given up."""
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "failed"
        delivery.next_attempt_at = None
        return None
    delay = BACKOFF[delivery.attempts - 1]
    delivery.next_attempt_at = utcnow() + timedelta(seconds=delay)
    return delay


def clean_url(raw: str) -> str:
    url = (raw or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or len(url) > 500:
        raise UserError("Enter the full https:// address of your endpoint.", field="url")
    return url


def clean_events(events: list[str]) -> str:
    chosen = [event for event in EVENTS if event in events]
    if not chosen:
        raise UserError("Choose at least one event.", field="events")
    return " ".join(chosen)


def add_endpoint(tenant: TenantSnapshot, url: str, events: list[str]) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        tenant_id=tenant.id, url=clean_url(url), events=clean_events(events), secret=new_secret()
    )
    db.session.add(endpoint)
    db.session.flush()
    return endpoint


def update_endpoint(
    endpoint: WebhookEndpoint, url: str, events: list[str], active: bool
) -> WebhookEndpoint:
    endpoint.url = clean_url(url)
    endpoint.events = clean_events(events)
    endpoint.active = active
    return endpoint


def endpoints_query(tenant: TenantSnapshot) -> Select[Any]:
    """The firm's endpoints, oldest first; the settings page shows them a page at a time."""
    return owned(WebhookEndpoint, tenant).order_by(WebhookEndpoint.id)


def get_endpoint(tenant: TenantSnapshot, endpoint_id: int) -> WebhookEndpoint | None:
    return get_owned(WebhookEndpoint, tenant, endpoint_id)


def deliveries_query(tenant: TenantSnapshot, endpoint_id: int) -> Any:
    return owned(WebhookDelivery, tenant, WebhookDelivery.endpoint_id == endpoint_id).order_by(
        WebhookDelivery.id.desc()
    )


def delete_endpoint(tenant: TenantSnapshot, endpoint: WebhookEndpoint) -> None:
    db.session.execute(
        delete(WebhookDelivery).where(
            WebhookDelivery.tenant_id == tenant.id, WebhookDelivery.endpoint_id == endpoint.id
        )
    )
    db.session.delete(endpoint)


def pending_deliveries() -> list[int]:
    """Ids of deliveries due now (a sweep picks up any whose job was lost)."""
    return list(
        db.session.scalars(
            select(WebhookDelivery.id)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= utcnow())
            .limit(500)
        )
    )
