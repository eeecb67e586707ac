"""Per-process host -> tenant cache, invalidated across processes through a shared version.

Each process compares its version with the shared one at most once per check interval, so a
warm lookup costs no SQL and usually no network round trip. The version lives in Redis when
there is one, otherwise in a database row, so several processes stay in step either way; the
TTL is only a safety net for a version store that cannot be reached.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import Protocol, TypeVar

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from portal.core.extensions import db
from tenants.models import CacheVersion
from tenants.snapshot import TenantSnapshot

MISSING_TTL = 5.0
MAX_ENTRIES = 100_000
UNREACHABLE_BACKOFF = 30.0
log = logging.getLogger(__name__)
T = TypeVar("T")


class SharedVersion(Protocol):
    """A counter every process can read and any process can bump."""

    def read(self) -> object: ...

    def bump(self) -> object: ...


class RedisVersion:
    def __init__(self, redis: Redis, key: str) -> None:
        self._redis = redis
        self._key = key

    def read(self) -> object:
        return self._redis.get(self._key)

    def bump(self) -> object:
        return str(self._redis.incr(self._key)).encode()


class DatabaseVersion:
    """The counter as a row of `cache_versions`, read on a connection of its own."""

    def __init__(self, name: str) -> None:
        self._name = name

    def read(self) -> object:
        with db.engine.connect() as connection:
            return connection.scalar(
                select(CacheVersion.version).where(CacheVersion.name == self._name)
            )

    def bump(self) -> object:
        """Upsert, so a missing row (an emptied table) is recreated rather than ignored."""
        engine = db.engine
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(CacheVersion).values(name=self._name, version=1)
        statement = statement.on_conflict_do_update(
            index_elements=[CacheVersion.name], set_={"version": CacheVersion.version + 1}
        ).returning(CacheVersion.version)
        with engine.begin() as connection:
            return connection.scalar(statement)


class TenantCache:
    def __init__(self, version: SharedVersion, ttl: float, check_interval: float) -> None:
        self._shared = version
        self._ttl = ttl
        self._check_interval = check_interval
        self._entries: dict[str, tuple[TenantSnapshot | None, float]] = {}
        # Per-tenant settings other packages derive (module menu, links): same lifetime.
        self._memos: dict[Hashable, tuple[object, float]] = {}
        self._version: object = None
        self._next_check = 0.0
        self._lock = threading.Lock()

    def get(self, host: str, load: Callable[[str], TenantSnapshot | None]) -> TenantSnapshot | None:
        now = time.monotonic()
        if now >= self._next_check:
            self._sync_version(now)
        entry = self._entries.get(host)
        if entry is not None and entry[1] > now:
            return entry[0]
        snapshot = load(host)
        ttl = self._ttl if snapshot is not None else min(self._ttl, MISSING_TTL)
        with self._lock:
            if len(self._entries) > MAX_ENTRIES:
                self._entries.clear()
            self._entries[host] = (snapshot, now + ttl)
        return snapshot

    def memo(self, key: Hashable, load: Callable[[], T]) -> T:
        """`load()` once per key until the tenant version changes: settings pages must call
        `invalidate` after changing what it reads (tenants.resolution does for watched rows).
        Values must be immutable plain data, never ORM rows (they outlive the session)."""
        now = time.monotonic()
        if now >= self._next_check:
            self._sync_version(now)
        entry = self._memos.get(key)
        if entry is not None and entry[1] > now:
            return entry[0]  # type: ignore[return-value]  # stored by this key's own load
        value = load()
        with self._lock:
            if len(self._memos) > MAX_ENTRIES:
                self._memos.clear()
            self._memos[key] = (value, now + self._ttl)
        return value

    def forget_memos(self) -> None:
        """Only this process's derived settings (tests and settings pages in one process)."""
        with self._lock:
            self._memos.clear()

    def invalidate(self) -> None:
        """Forget everything here and tell every other process to do the same."""
        with self._lock:
            self._entries.clear()
            self._memos.clear()
        try:
            version = self._shared.bump()
        except (RedisError, SQLAlchemyError):
            log.exception("could not bump the tenant cache version; other processes wait for TTL")
            return
        if version is not None:
            self._version = version

    def _sync_version(self, now: float) -> None:
        self._next_check = now + self._check_interval
        try:
            version = self._shared.read()
        except (RedisError, SQLAlchemyError):
            # An unreachable (or silent) store costs one timeout per back-off, not per second;
            # entries still expire after the TTL.
            self._next_check = now + max(self._check_interval, UNREACHABLE_BACKOFF)
            log.warning("tenant cache version unreadable; next try in %ss", UNREACHABLE_BACKOFF)
            return
        if version != self._version:
            with self._lock:
                self._entries.clear()
                self._memos.clear()
                self._version = version
