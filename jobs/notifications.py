"""Job entry points for notifications: grouped emails, daily digests and Web Push deliveries."""

from __future__ import annotations

from jobs.context import job
from portal.core.extensions import db
from portal.notifications.emails import (
    digest_recipients,
    send_digest,
    send_group_email,
    sweep_unsent_groups,
)
from portal.notifications.models import Notification
from portal.notifications.push import send_push
from portal.notifications.service import Recipient, release_pending
from tenants.resolution import snapshot_by_id


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
def send_notification_push(notification_id: int) -> int:
    notification = db.session.get(Notification, notification_id)
    if notification is None:
        return 0
    sent = send_push(notification)
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
