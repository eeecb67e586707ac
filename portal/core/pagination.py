"""Every list page shows one page of rows: fetch one row more than shown, never COUNT(*).

Links to the next and previous page carry a keyset cursor (the sort value and id of the row
the page starts after, or ends before), so a page deep in a long list costs what the first
page costs: the database seeks in an index instead of skipping rows with OFFSET. A bare page
number (`?page=40`, an old link) still works by OFFSET. The extra row tells whether another
page exists without counting the whole table.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, tuple_

from portal.core.extensions import db

T = TypeVar("T")

PER_PAGE = 50
MAX_PAGE = 10_000


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    per_page: int
    has_next: bool
    # Keyset links (`?after=` / `?before=`): the first and last rows' cursors, when the list
    # pages by keyset; `has_previous` then says whether rows come before this page.
    next_cursor: str | None = None
    prev_cursor: str | None = None
    has_previous: bool | None = None

    @property
    def has_prev(self) -> bool:
        return self.number > 1 if self.has_previous is None else self.has_previous

    @property
    def first_index(self) -> int:
        """1-based position of the first row shown, for "Showing 51–100"."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.items)


@dataclass(frozen=True, slots=True)
class Cursor:
    """A position in a sorted list: the sort value (None when empty) and id of one row."""

    key: Any
    id: int
    before: bool = False  # the page ends before this row (Previous), else starts after it


def encode_cursor(key: Any, row_id: int) -> str:
    """An opaque URL-safe token for (sort value, id); dates keep their type."""
    tagged = ["d", key.isoformat()] if isinstance(key, datetime) else ["v", key]
    raw = json.dumps([*tagged, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, *, before: bool = False) -> Cursor | None:
    """The cursor of `encode_cursor`, or None for anything malformed (then: the first page)."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        tag, key, row_id = json.loads(raw)
        if tag == "d":
            key = datetime.fromisoformat(key)
        valid = tag in ("d", "v") and type(row_id) is int and abs(row_id) < 2**62
        if not valid or not (key is None or isinstance(key, str | int | float | datetime)):
            return None
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return None
    return Cursor(key, row_id, before)


def cursor_arg(args: Mapping[str, str]) -> Cursor | None:
    """`?after=` (Next) or `?before=` (Previous) from the query arguments, if valid."""
    if args.get("after"):
        return decode_cursor(args["after"][:1000])
    if args.get("before"):
        return decode_cursor(args["before"][:1000], before=True)
    return None


def page_number(args: Mapping[str, str], name: str = "page") -> int:
    """The requested page from query arguments; anything odd is page 1, never an error."""
    raw = args.get(name, "1")
    return min(int(raw), MAX_PAGE) if raw.isdigit() and int(raw) > 0 else 1


def ordered(query: Select[Any], key: Any, descending: bool, tiebreak: Any) -> Select[Any]:
    """Sorted by `key`, then `tiebreak` in the same direction; empty values count as the
    smallest (first ascending, last descending), as in `keyset_page`."""
    if descending:
        return query.order_by(None).order_by(key.desc().nulls_last(), tiebreak.desc())
    return query.order_by(None).order_by(key.asc().nulls_first(), tiebreak.asc())


def paginate(query: Select[Any], number: int, per_page: int = PER_PAGE) -> Page[Any]:
    """Run `query` for page `number` (1-based): model objects (or values) when the query
    selects one entity or column, Row tuples when it selects several."""
    statement = query.limit(per_page + 1).offset((number - 1) * per_page)
    result = db.session.execute(statement)
    rows = list(result.scalars() if len(statement.column_descriptions) == 1 else result.all())
    return Page(rows[:per_page], number, per_page, len(rows) > per_page)


def _after(key: Any, tiebreak: Any, cursor: Cursor, descending: bool) -> ColumnElement[bool]:
    """Rows after `cursor` among the rows whose key is (not) empty, like the cursor's."""
    if cursor.key is None:
        return and_(key.is_(None), tiebreak < cursor.id if descending else tiebreak > cursor.id)
    pair, anchor = tuple_(key, tiebreak), tuple_(cursor.key, cursor.id)
    return pair < anchor if descending else pair > anchor


def keyset_page(
    query: Select[Any],
    key: Any,
    tiebreak: Any,
    descending: bool,
    cursor: Cursor | None,
    number: int = 1,
    *,
    nullable: bool = False,
    per_page: int = PER_PAGE,
    empty: tuple[Select[Any], Any, Any] | None = None,
) -> Page[Any]:
    """One page of `query` sorted like `ordered`, starting after (or ending before) `cursor`.

    Each statement is an index range scan when an index on (tenant_id, key, id) exists. A
    `nullable` key is read as two runs, rows with a value and rows without (ordered by id),
    each its own statement, so both keep their index; both always run, so the number of
    statements does not depend on the rows. `empty`: (query, key, tiebreak) of another shape
    of the same rows, read for the rows without a value (when that shape has their index)."""
    if cursor is not None and not _fits(key, cursor.key):
        cursor = None  # a cursor of another sort (an edited URL): the first page
    forward = descending != (cursor is not None and cursor.before)
    # The runs in reading order: empty values come first ascending, last descending.
    runs: list[bool | None] = (
        [None] if not nullable else ([True, False] if forward else [False, True])
    )
    if cursor is not None and nullable:
        runs = runs[runs.index(cursor.key is not None) :]
    rows: list[Any] = []
    for run in runs:
        shape, by, after = (query, key, tiebreak) if run is not False or not empty else empty
        statement = shape.add_columns(by, after)
        if run is not None:
            statement = statement.where(by.is_not(None) if run else by.is_(None))
        if cursor is not None and (run is None or run == (cursor.key is not None)):
            statement = statement.where(_after(by, after, cursor, forward))
        order = [after] if run is False else [by, after]
        statement = statement.order_by(None).order_by(
            *(column.desc() if forward else column.asc() for column in order)
        )
        rows += db.session.execute(statement.limit(per_page + 1)).all()
    more = len(rows) > per_page
    rows = rows[:per_page]
    if cursor is not None and cursor.before:
        rows.reverse()
    items = [_strip(row) for row in rows]
    first, last = (rows[0][-2:], rows[-1][-2:]) if rows else (None, None)
    if cursor is None:
        has_previous, has_next = False, more
    elif cursor.before:
        has_previous, has_next = more, True
        number = number if more else 1
    else:
        has_previous, has_next = True, more
    return Page(
        items,
        max(number, 2) if has_previous and number == 1 else number,
        per_page,
        has_next,
        next_cursor=encode_cursor(*last) if last is not None and has_next else None,
        prev_cursor=encode_cursor(*first) if first is not None and has_previous else None,
        has_previous=has_previous,
    )


def _fits(key: Any, value: Any) -> bool:
    """Whether a cursor's sort value has the Python type of the sorted column."""
    try:
        expected = key.type.python_type
    except (AttributeError, NotImplementedError):
        return True
    if value is None or isinstance(value, expected):
        return True
    return expected is float and type(value) is int


def _strip(row: Sequence[Any]) -> Any:
    """The row without the two cursor columns: the entity alone when it selected one."""
    values = tuple(row[:-2])
    return values[0] if len(values) == 1 else values


def sort_key(args: Mapping[str, str], allowed: tuple[str, ...], default: str) -> tuple[str, bool]:
    """The `sort` argument (`name` or `-name` for descending) if allowed, else the default."""
    raw = args.get("sort", default)
    name = raw.removeprefix("-")
    if name not in allowed:
        raw, name = default, default.removeprefix("-")
    return name, raw.startswith("-")
