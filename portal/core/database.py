"""The database session's lifecycle hooks: SQLite settings and work that waits for a commit.

`after_commit(func, *items)` is the one way to act on committed data (enqueue a job, deliver the
outbox, invalidate the tenant cache): `func` runs once after the transaction commits, with the
items of every call for it in that transaction; a rollback forgets them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Hashable
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, SessionTransaction

from portal.core.extensions import db

_AFTER_COMMIT = "foyer.after_commit"


def init_app(app: Flask) -> None:
    """Listeners are process-wide in SQLAlchemy; `contains` keeps them single across apps."""
    for target, name, listener in (
        (Engine, "connect", _sqlite_pragmas),
        (Session, "after_commit", _run_after_commit),
        (Session, "after_soft_rollback", _forget_after_rollback),
    ):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)


def utcnow() -> datetime:
    """Naive UTC: the same on SQLite (no time zones) and PostgreSQL (`timestamp` columns)."""
    return datetime.now(UTC).replace(tzinfo=None)


def after_commit(func: Callable[..., None], *items: Hashable) -> None:
    """Call `func(*items)` once after the current transaction commits; dropped on rollback."""
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback before any SQL still drops the work
    pending: dict[Callable[..., None], dict[Hashable, None]] = session.info.setdefault(
        _AFTER_COMMIT, {}
    )
    collected = pending.setdefault(func, {})
    for item in items:
        collected[item] = None  # a dict keeps the order and drops repeats


def _run_after_commit(session: Session) -> None:
    pending = session.info.pop(_AFTER_COMMIT, None)
    for func, items in (pending or {}).items():
        func(*items)


def _forget_after_rollback(session: Session, previous: SessionTransaction) -> None:
    """Every `rollback()` call, even with no transaction begun; a savepoint's keeps the rest."""
    if not previous.nested:
        session.info.pop(_AFTER_COMMIT, None)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    """WAL lets the web process read while a worker writes; foreign keys are enforced."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
