"""Job entry points for notifications: grouped emails, daily digests and Web Push deliveries."""

from __future__ import annotations

from jobs.context import job
from jobs.queue import enqueue
from portal.core.extensions import db
from portal.notifications.emails import (
    digest_recipients,
    send_digest,
    send_group_email,
    sweep_unsent_groups,
)
from portal.notifications.models import Notification
from portal.notifications.push import send_push, send_test
from portal.notifications.service import Recipient, release_pending
from tenants.resolution import snapshot_by_id

PUSH_RETRY_DELAYS = (60, 600, 3600)  # seconds before each retry of a failed push service


@job
def send_notification_email(tenant_id: int, kind: str, recipient_id: int, group_key: str) -> str:
    release_pending(tenant_id, kind, recipient_id, group_key)
    tenant = snapshot_by_id(tenant_id)
    if tenant is None:
        return "no tenant"
    outcome = send_group_email(tenant, Recipient(kind, recipient_id), group_key)
    db.session.commit()
    return outcome


@job
def send_notification_push(
    notification_id: int, device_ids: list[int] | None = None, attempt: int = 1
) -> int:
    """Push to every device of the recipient; devices whose push service failed are tried
    again later (PUSH_RETRY_DELAYS), the others are not pushed twice."""
    notification = db.session.get(Notification, notification_id)
    if notification is None:
        return 0
    result = send_push(notification, device_ids)
    db.session.commit()
    if result.failed and attempt <= len(PUSH_RETRY_DELAYS):
        delay = PUSH_RETRY_DELAYS[attempt - 1]
        enqueue(send_notification_push, notification_id, result.failed, attempt + 1, delay=delay)
    return result.sent


@job
def send_test_push(tenant_id: int, subscription_id: int, url: str) -> int:
    tenant = snapshot_by_id(tenant_id)
    if tenant is None:
        return 0
    sent = send_test(tenant, subscription_id, url).sent
    db.session.commit()
    return sent


@job
def send_notification_digests() -> int:
    """Daily: one email per person with what waits for their digest and is still unread."""
    sent = 0
    for tenant_id, kind, recipient_id in digest_recipients():
        tenant = snapshot_by_id(tenant_id)
        if tenant is None:
            continue
        if send_digest(tenant, Recipient(kind, recipient_id)) == "sent":
            sent += 1
        db.session.commit()
    return sent


@job
def sweep_notification_emails() -> int:
    return sweep_unsent_groups()
