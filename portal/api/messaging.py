"""Message threads and client requests, through `portal.messaging` (the firm's side)."""

from __future__ import annotations

from typing import Any

from flask import request

from portal.api import schemas
from portal.api.auth import current_token, parse_body
from portal.api.errors import ApiError
from portal.api.routing import MAX_ID, operation, page_of, tenant
from portal.clients.models import ClientAccount
from portal.core.extensions import db
from portal.messaging import requests, threads
from portal.messaging.models import ClientRequest, Message, Side, Thread
from tenants.scoping import get_owned, owned


def _author() -> threads.Person:
    return threads.Person(Side.STAFF, None, f"{tenant().name} (API: {current_token().name})")


def thread_json(thread: Thread) -> dict[str, Any]:
    return schemas.Thread(
        id=thread.id,
        account_id=thread.account_id,
        subject=thread.subject,
        last_message_at=thread.last_message_at,
    ).model_dump(mode="json")


def message_json(message: Message) -> dict[str, Any]:
    return schemas.Message(
        id=message.id,
        thread_id=message.thread_id,
        author_kind=message.author_kind,
        author_name=message.author_name,
        body=message.body,
        created_at=message.created_at,
    ).model_dump(mode="json")


def request_json(row: ClientRequest) -> dict[str, Any]:
    return schemas.Request(
        id=row.id,
        account_id=row.account_id,
        thread_id=row.thread_id,
        type_id=row.type_id,
        subject=row.subject,
        details=row.details,
        status=row.status,
        created_at=row.created_at,
    ).model_dump(mode="json")


ID_QUERY = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def account_filter() -> int | None:
    """The optional `account_id` query argument (a client account of this tenant)."""
    raw = request.args.get("account_id", "")
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        raise ApiError(422, "account_id must be a client account's id.", {"account_id": "id"})
    if get_owned(ClientAccount, tenant(), int(raw)) is None:
        raise ApiError(404, "No such client account.", {"account_id": "not found"})
    return int(raw)


@operation(
    "get",
    "/threads",
    "List message threads (all, or one client account's)",
    schemas.ThreadList,
    paged=True,
    tag="messages",
    query={"account_id": ID_QUERY},
)
def list_threads() -> Any:
    account_id = account_filter()
    query = owned(Thread, tenant())
    if account_id is not None:
        query = query.where(Thread.account_id == account_id)
    rows, cursor = page_of(query, Thread.id)
    return {"data": [thread_json(t) for t in rows], "next_cursor": cursor}


@operation(
    "post",
    "/threads",
    "Start a conversation with a client account (as the firm)",
    schemas.Thread,
    body=schemas.ThreadCreate,
    status=201,
    tag="messages",
)
def create_thread() -> Any:
    data = parse_body(schemas.ThreadCreate)
    if get_owned(ClientAccount, tenant(), data.account_id) is None:
        raise ApiError(404, "No such client account.", {"account_id": "not found"})
    thread, _ = threads.start_thread(tenant(), data.account_id, _author(), data.subject, data.body)
    db.session.commit()
    return thread_json(thread), 201


@operation(
    "get",
    "/threads/<int:thread_id>/messages",
    "List a thread's messages, newest first",
    schemas.MessageList,
    paged=True,
    tag="messages",
)
def list_messages(thread_id: int) -> Any:
    thread = threads.get_thread(tenant(), thread_id)
    if thread is None:
        raise ApiError(404, "No such thread.")
    rows, cursor = page_of(owned(Message, tenant(), Message.thread_id == thread.id), Message.id)
    return {"data": [message_json(m) for m in rows], "next_cursor": cursor}


@operation(
    "post",
    "/threads/<int:thread_id>/messages",
    "Post a message in a thread (as the firm)",
    schemas.Message,
    body=schemas.MessageCreate,
    status=201,
    tag="messages",
)
def post_message(thread_id: int) -> Any:
    thread = threads.get_thread(tenant(), thread_id)
    if thread is None:
        raise ApiError(404, "No such thread.")
    data = parse_body(schemas.MessageCreate)
    message = threads.post_message(tenant(), thread, _author(), data.body)
    db.session.commit()
    return message_json(message), 201


@operation(
    "get",
    "/requests",
    "List client requests (all, or one client account's)",
    schemas.RequestList,
    paged=True,
    tag="requests",
    query={"account_id": ID_QUERY},
)
def list_requests() -> Any:
    account_id = account_filter()
    query = owned(ClientRequest, tenant())
    if account_id is not None:
        query = query.where(ClientRequest.account_id == account_id)
    rows, cursor = page_of(query, ClientRequest.id)
    return {"data": [request_json(r) for r in rows], "next_cursor": cursor}


@operation("get", "/requests/<int:request_id>", "One request", schemas.Request, tag="requests")
def get_request(request_id: int) -> Any:
    row = requests.get_request(tenant(), request_id)
    if row is None:
        raise ApiError(404, "No such request.")
    return request_json(row)


@operation(
    "post",
    "/requests",
    "Open a request for a client account",
    schemas.Request,
    body=schemas.RequestCreate,
    status=201,
    tag="requests",
)
def create_request() -> Any:
    data = parse_body(schemas.RequestCreate)
    if get_owned(ClientAccount, tenant(), data.account_id) is None:
        raise ApiError(404, "No such client account.", {"account_id": "not found"})
    row = requests.make_request(
        tenant(),
        data.account_id,
        _author(),
        type_id=data.type_id,
        subject=data.subject,
        details=data.details,
    )
    db.session.commit()
    return request_json(row), 201


@operation(
    "put",
    "/requests/<int:request_id>/status",
    "Change a request's status",
    schemas.Request,
    body=schemas.RequestStatusUpdate,
    tag="requests",
)
def set_request_status(request_id: int) -> Any:
    row = requests.get_request(tenant(), request_id)
    if row is None:
        raise ApiError(404, "No such request.")
    data = parse_body(schemas.RequestStatusUpdate)
    requests.set_status(tenant(), row, data.status, _author())
    db.session.commit()
    return request_json(row)
