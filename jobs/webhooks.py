"""Job entry points for outgoing webhooks: signed deliveries with retries and back-off."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from jobs.context import job
from jobs.queue import enqueue
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.webhooks.models import WebhookDelivery, WebhookEndpoint
from portal.webhooks.service import DELIVER_JOB, pending_deliveries, schedule_retry, sign

TIMEOUT_SECONDS = 10


@job
def deliver_webhook(delivery_id: int) -> str:
    """One attempt: POST the signed payload; a 2xx delivers it, anything else is retried."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != "pending":
        return "skipped"
    endpoint = db.session.get(WebhookEndpoint, delivery.endpoint_id)
    if endpoint is None or not endpoint.active:
        delivery.status = "failed"
        delivery.last_error = "endpoint removed or disabled"
        db.session.commit()
        return "failed"
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Foyer-Webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(
            endpoint.secret, delivery.message_id, timestamp, delivery.payload
        ),
    }
    request = urllib.request.Request(
        endpoint.url, data=delivery.payload.encode(), headers=headers, method="POST"
    )
    started = time.monotonic()
    code: int | None = None
    error = ""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            code = response.status
    except urllib.error.HTTPError as exc:
        code = exc.code
        error = f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        error = str(exc)[:300]
    delivery.attempts += 1
    delivery.response_code = code
    delivery.response_ms = int((time.monotonic() - started) * 1000)
    delivery.last_error = error
    if code is not None and 200 <= code < 300:
        delivery.status = "delivered"
        delivery.delivered_at = utcnow()
        delivery.next_attempt_at = None
        db.session.commit()
        return "delivered"
    delay = schedule_retry(delivery)
    db.session.commit()
    if delay is not None:
        enqueue(DELIVER_JOB, delivery_id, delay=delay)
        return "retrying"
    return "failed"


@job
def sweep_webhooks() -> int:
    """Queue deliveries that are due but whose job was lost (Redis down at the time)."""
    ids = pending_deliveries()
    for delivery_id in ids:
        enqueue(DELIVER_JOB, delivery_id)
    return len(ids)
