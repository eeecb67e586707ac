"""Every list page shows one page of rows: fetch one row more than shown, never COUNT(*).

Offset pagination keeps the page's query count constant and its filters in the URL; the
extra row tells whether a next page exists without counting the whole table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select

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

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def first_index(self) -> int:
        """1-based position of the first row shown, for "Showing 51–100"."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.items)


def page_number(args: Mapping[str, str], name: str = "page") -> int:
    """The requested page from query arguments; anything odd is page 1, never an error."""
    raw = args.get(name, "1")
    return min(int(raw), MAX_PAGE) if raw.isdigit() and int(raw) > 0 else 1


def paginate(query: Select[Any], number: int, per_page: int = PER_PAGE) -> Page[Any]:
    """Run `query` for page `number` (1-based): model objects (or values) when the query
    selects one entity or column, Row tuples when it selects several."""
    statement = query.limit(per_page + 1).offset((number - 1) * per_page)
    result = db.session.execute(statement)
    rows = list(result.scalars() if len(statement.column_descriptions) == 1 else result.all())
    return Page(rows[:per_page], number, per_page, len(rows) > per_page)


def sort_key(args: Mapping[str, str], allowed: tuple[str, ...], default: str) -> tuple[str, bool]:
    """The `sort` argument (`name` or `-name` for descending) if allowed, else the default."""
    raw = args.get("sort", default)
    name = raw.removeprefix("-")
    if name not in allowed:
        raw, name = default, default.removeprefix("-")
    return name, raw.startswith("-")
