"""What the client should act on in Messages and Requests, for the "Waiting for you" list."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.core.waiting import WaitingItem
from portal.messaging.requests import waiting_requests
from portal.messaging.threads import unread_threads
from portal.modules.service import is_enabled
from tenants.snapshot import TenantSnapshot


def items_for_client(tenant: TenantSnapshot, account_id: int, contact_id: int) -> list[WaitingItem]:
    """Requests waiting on the client and threads with unread messages, each with its link
    (only for modules the firm has switched on)."""
    messages_on = is_enabled(tenant.id, "messages")
    requests_on = is_enabled(tenant.id, "requests")
    waiting = waiting_requests(tenant, account_id) if requests_on else []
    items = [
        WaitingItem(
            kind="request",
            title=row.subject,
            detail=_("Your advisor is waiting for your answer."),
            url=f"/requests/{row.id}",
            action=_("Answer"),
            since=row.status_changed_at,
        )
        for row in waiting
    ]
    listed = {row.id for row in waiting}
    for thread, request_id in unread_threads(tenant, account_id, contact_id):
        if request_id is not None and requests_on:
            if request_id in listed:  # one item per request
                continue
            url = f"/requests/{request_id}"
        elif request_id is None and messages_on:
            url = f"/messages/{thread.id}"
        else:
            continue
        items.append(
            WaitingItem(
                kind="message",
                title=thread.subject,
                detail=_("New message"),
                url=url,
                action=_("Read"),
                since=thread.last_message_at,
            )
        )
    return items
