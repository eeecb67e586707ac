"""What the client should act on in Messages and Requests, for the "Waiting for you" list."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, Select, and_, func, select

from portal.core.waiting import ACCOUNT, CONTACT, TENANT, WaitingItem, run_parts, shaped
from portal.messaging.models import ClientRequest, ReadState, RequestStatus, Side, Thread
from portal.messaging.threads import Person, _unread_condition
from portal.modules.service import is_enabled
from tenants.snapshot import TenantSnapshot

MOST = 20  # per kind, as messaging.requests.waiting_requests and threads.unread_threads


def items_for_client(tenant: TenantSnapshot, account_id: int, contact_id: int) -> list[WaitingItem]:
    """Requests waiting on the client and threads with unread messages, each with its link
    (only for modules the firm has switched on)."""
    rows = run_parts(waiting_parts(tenant), tenant.id, account_id, contact_id)
    return waiting_items(tenant, rows)


def waiting_parts(tenant: TenantSnapshot) -> dict[str, Select[Any]]:
    """The requests waiting on the client and the unread threads (with their request's id),
    as parts of the home's one "waiting" statement; none when both modules are off."""
    requests_on = is_enabled(tenant.id, "requests")
    return _parts(requests_on, requests_on or is_enabled(tenant.id, "messages"))


@functools.cache
def _parts(requests_on: bool, threads_on: bool) -> dict[str, Select[Any]]:
    parts: dict[str, Select[Any]] = {}
    if requests_on:
        parts["request"] = (
            select(
                *shaped(
                    "request",
                    id=ClientRequest.id,
                    title=ClientRequest.subject,
                    since=ClientRequest.status_changed_at,
                )
            )
            .where(
                ClientRequest.tenant_id == TENANT,
                ClientRequest.account_id == ACCOUNT,
                ClientRequest.status == RequestStatus.WAITING,
            )
            .order_by(ClientRequest.status_changed_at.desc())
            .limit(MOST)
        )
    if threads_on:
        columns = shaped(
            "thread",
            id=Thread.id,
            title=Thread.subject,
            since=Thread.last_message_at,
            number=ClientRequest.id,
        )
        parts["thread"] = (
            _unread_by_contact(select(*columns).select_from(Thread))
            .outerjoin(
                ClientRequest,
                and_(
                    ClientRequest.tenant_id == Thread.tenant_id,
                    ClientRequest.thread_id == Thread.id,
                ),
            )
            .order_by(Thread.last_message_at.desc())
            .limit(MOST)
        )
    return parts


@functools.cache
def unread_threads_part() -> Select[Any]:
    """The Messages badge: threads of the account with a staff message the contact has not
    read (threads.unread_for_client), as one row of the shared shape."""
    query = select(*shaped("unread threads", number=func.count(Thread.id)))
    return _unread_by_contact(query.select_from(Thread))


def _unread_by_contact(query: Select[Any]) -> Select[Any]:
    """threads._with_read_state and _unread_condition for the client CONTACT of ACCOUNT."""
    return query.outerjoin(
        ReadState,
        and_(
            ReadState.tenant_id == Thread.tenant_id,
            ReadState.thread_id == Thread.id,
            ReadState.reader_kind == Side.CLIENT.value,
            ReadState.reader_id == CONTACT,
        ),
    ).where(
        Thread.tenant_id == TENANT,
        Thread.account_id == ACCOUNT,
        _unread_condition(Person(Side.CLIENT, 0)),
    )


def waiting_items(
    tenant: TenantSnapshot, rows: Mapping[str, Sequence[Row[Any]]]
) -> list[WaitingItem]:
    requests_on = is_enabled(tenant.id, "requests")
    messages_on = is_enabled(tenant.id, "messages")
    waiting = sorted(rows.get("request", ()), key=_newest, reverse=True)
    items = [
        WaitingItem(
            kind="request",
            title=row.title,
            detail=_("Your advisor is waiting for your answer."),
            url=f"/requests/{row.id}",
            action=_("Answer"),
            since=row.since,
        )
        for row in waiting
    ]
    listed = {row.id for row in waiting}
    for row in sorted(rows.get("thread", ()), key=_newest, reverse=True):
        request_id = row.number
        if request_id is not None and requests_on:
            if request_id in listed:  # one item per request
                continue
            url = f"/requests/{request_id}"
        elif request_id is None and messages_on:
            url = f"/messages/{row.id}"
        else:
            continue
        items.append(
            WaitingItem(
                kind="message",
                title=row.title,
                detail=_("New message"),
                url=url,
                action=_("Read"),
                since=row.since,
            )
        )
    return items


def _newest(row: Row[Any]) -> datetime:
    return row.since
