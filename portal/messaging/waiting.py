"""What the client should act on in Messages and Requests, for the "Waiting for you" list."""

from __future__ import annotations

from portal.core.waiting import WaitingItem
from portal.messaging.requests import waiting_requests
from portal.messaging.threads import unread_threads
from portal.modules.service import is_enabled
from tenants.snapshot import TenantSnapshot


def items_for_client(tenant: TenantSnapshot, account_id: int, contact_id: int) -> list[WaitingItem]:
    """Requests waiting on the client and threads with unread messages, each with its link
    (only for modules the firm has switched on)."""
    items: list[WaitingItem] = []
    if is_enabled(tenant.id, "requests"):
        items += [
            WaitingItem(
                kind="request",
                title=row.subject,
                detail="Your advisor is waiting for your answer.",
                url=f"/requests/{row.id}",
                action="Answer",
                since=row.status_changed_at,
            )
            for row in waiting_requests(tenant, account_id)
        ]
    if is_enabled(tenant.id, "messages"):
        items += [
            WaitingItem(
                kind="message",
                title=thread.subject,
                detail="New message",
                url=f"/messages/{thread.id}",
                action="Read",
                since=thread.last_message_at,
            )
            for thread in unread_threads(tenant, account_id, contact_id)
        ]
    return items
