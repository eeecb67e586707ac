"""One shape for "waiting for you" items, so each module can contribute to the client's home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    DateTime,
    Integer,
    Row,
    Select,
    String,
    bindparam,
    cast,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.sql.expression import Executable
from sqlalchemy.types import TypeEngine

from portal.core.extensions import db


@dataclass(frozen=True, slots=True)
class WaitingItem:
    """Something the client should do, with the one link that does it.

    `kind` groups items on the page ("document", "request", "message", "invoice"); `due` sorts
    them (items without a due date come after dated ones, newest first by `since`).
    """

    kind: str
    title: str
    detail: str
    url: str
    action: str
    since: datetime
    due: datetime | None = None


# Every module's share of the home's one "waiting" statement has these columns, in this order.
COLUMNS: dict[str, TypeEngine[Any]] = {
    "part": String(),
    "id": Integer(),
    "title": String(),
    "note": String(),
    "state": String(),
    "since": DateTime(),
    "due": Date(),
    "number": BigInteger(),
}


def shaped(part: str, **columns: Any) -> list[ColumnElement[Any]]:
    """The select list of one part: the given columns, typed NULL for the others."""
    unknown = set(columns) - set(COLUMNS)
    if unknown:
        raise ValueError(f"not a waiting column: {sorted(unknown)}")
    values = {"part": literal(part, String())} | columns
    return [
        (values[name] if name in values else cast(null(), kind)).label(name)
        for name, kind in COLUMNS.items()
    ]


# Parts compare with these instead of values, so each part is built once per process and the
# combined statement compiles once (building it per request cost ~30% of the portal home's
# time: `python -m bench.request_profile --page home`).
TENANT = bindparam("waiting_tenant_id", type_=Integer())
ACCOUNT = bindparam("waiting_account_id", type_=Integer())
CONTACT = bindparam("waiting_contact_id", type_=Integer())
_statements: dict[tuple[int, ...], Executable] = {}


def run_parts(
    parts: dict[str, Select[Any]], tenant_id: int, account_id: int = 0, contact_id: int = 0
) -> dict[str, list[Row[Any]]]:
    """Run every part as one UNION ALL statement (one round trip); rows grouped by part, each
    part in no particular order (parts sort themselves). A part may order and limit itself.
    Parts must be built once (cached) and compare with TENANT, ACCOUNT and CONTACT."""
    grouped: dict[str, list[Row[Any]]] = {name: [] for name in parts}
    if not parts:
        return grouped
    key = tuple(id(query) for query in parts.values())
    statement = _statements.get(key)
    if statement is None:
        selects = [select(query.subquery()) for query in parts.values()]
        statement = selects[0] if len(selects) == 1 else union_all(*selects)
        _statements[key] = statement
    params = {TENANT.key: tenant_id, ACCOUNT.key: account_id, CONTACT.key: contact_id}
    for row in db.session.execute(statement, params):
        grouped[row.part].append(row)
    return grouped
