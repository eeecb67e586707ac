"""The in-app notification centre: one page of a person's notifications, marking them read."""

from __future__ import annotations

from sqlalchemy import update

from portal.core.database import utcnow
from portal.core.extensions import db
from portal.core.pagination import Page, paginate
from portal.notifications.models import Notification
from portal.notifications.service import Recipient, recipient_rows
from tenants.scoping import get_owned
from tenants.snapshot import TenantSnapshot

PER_PAGE = 30


def page_of(tenant: TenantSnapshot, recipient: Recipient, number: int) -> Page[Notification]:
    """One query, whatever the number of notifications."""
    return paginate(recipient_rows(tenant, recipient), number, PER_PAGE)


def find(tenant: TenantSnapshot, recipient: Recipient, notification_id: int) -> Notification | None:
    """The person's own notification; another person's or tenant's id finds nothing."""
    row = get_owned(Notification, tenant, notification_id)
    if row is None or (row.recipient_kind, row.recipient_id) != (recipient.kind, recipient.id):
        return None
    return row


def mark_read(row: Notification) -> None:
    """The caller commits."""
    if row.read_at is None:
        row.read_at = utcnow()


def mark_all_read(tenant: TenantSnapshot, recipient: Recipient) -> int:
    """The caller commits; returns how many were unread."""
    result = db.session.execute(
        update(Notification)
        .where(
            Notification.tenant_id == tenant.id,
            Notification.recipient_kind == recipient.kind,
            Notification.recipient_id == recipient.id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
