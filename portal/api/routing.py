"""The `api` blueprint, the decorator that registers an operation for both Flask and the
OpenAPI document, and keyset cursors."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any

from flask import Blueprint, g, request
from pydantic import BaseModel
from sqlalchemy import Select

from portal.api.auth import OPERATOR_ENDPOINTS, guarded
from portal.api.errors import ApiError
from portal.api.openapi import OPERATIONS, Operation
from portal.core.extensions import db
from portal.files.uploads import large_body
from tenants.resolution import any_host
from tenants.snapshot import TenantSnapshot

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_LIMIT = 100
DEFAULT_LIMIT = 25
MAX_ID = 2**31 - 1  # ids are 32-bit integers: a larger one names nothing (never a DB error)


@bp.url_value_preprocessor
def _ids_in_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    for value in (values or {}).values():
        if isinstance(value, int) and not 0 < value <= MAX_ID:
            raise ApiError(404, "Not found.")


def operation(
    method: str,
    rule: str,
    summary: str,
    response: type[BaseModel] | None,
    *,
    body: type[BaseModel] | None = None,
    status: int = 200,
    paged: bool = False,
    tag: str = "clients",
    operator: bool = False,
    query: dict[str, dict[str, Any]] | None = None,
    multipart: dict[str, Any] | None = None,
    binary: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view as an API operation. Operator operations answer on the platform host
    only (`any_host` lets them past tenant resolution; `auth` checks the host and token)."""

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        OPERATIONS.append(
            Operation(
                method,
                rule,
                summary,
                response,
                body,
                status,
                paged,
                tag,
                operator,
                query or {},
                multipart,
                binary,
            )
        )
        wrapped = guarded(view)
        endpoint = f"{view.__name__}"
        if multipart is not None:
            large_body(wrapped)  # the upload limit, not the form limit, applies
        if operator:
            any_host(wrapped)
            OPERATOR_ENDPOINTS.add(f"{bp.name}.{endpoint}")
        bp.add_url_rule(rule, endpoint, wrapped, methods=[method.upper()])
        return view

    return register


def tenant() -> TenantSnapshot:
    return g.tenant


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(raw: str | None) -> int | None:
    if not raw:
        return None
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        prefix, _, number = text.partition(":")
        if prefix != "id" or not number.isdigit():
            raise ValueError
        return int(number)
    except ValueError:
        raise ApiError(422, "The cursor is not valid.", {"cursor": "invalid"}) from None


def page_of(query: Select[Any], id_column: Any) -> tuple[Sequence[Any], str | None]:
    """Rows after the request's cursor in descending id order, and the next cursor."""
    raw_limit = request.args.get("limit", "")
    if raw_limit and not (raw_limit.isdigit() and 1 <= int(raw_limit) <= MAX_LIMIT):
        raise ApiError(422, "limit must be between 1 and 100.", {"limit": "1..100"})
    limit = int(raw_limit) if raw_limit else DEFAULT_LIMIT
    after = decode_cursor(request.args.get("cursor"))
    if after is not None:
        query = query.where(id_column < after)
    rows = list(db.session.scalars(query.order_by(id_column.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1].id) if more and rows else None
