"""Notifications for the cross-tenant probe's world: one per tenant, addressed to its staff."""

from __future__ import annotations

from portal.core.extensions import db
from portal.notifications.models import Notification


def notification_objects(tenant_id: int, staff_id: int, marker: str) -> dict[str, int]:
    row = Notification(
        tenant_id=tenant_id,
        recipient_kind="staff",
        recipient_id=staff_id,
        kind="request.new",
        title=f"New request from {marker}",
        body=f"{marker} needs a hand",
        path="/admin/",
        group_key="request:1",
    )
    db.session.add(row)
    db.session.flush()
    return {"notification_id": row.id}
