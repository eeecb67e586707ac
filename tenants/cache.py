"""Per-process host -> tenant cache, invalidated across processes through a Redis version key.

Each process compares its version with Redis at most once per check interval, so a warm
lookup costs no SQL and usually no network round trip; without Redis entries simply expire.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from redis import Redis
from redis.exceptions import RedisError

from tenants.snapshot import TenantSnapshot

MISSING_TTL = 5.0


class TenantCache:
    def __init__(
        self, redis: Redis | None, version_key: str, ttl: float, check_interval: float
    ) -> None:
        self._redis = redis
        self._version_key = version_key
        self._ttl = ttl if redis is not None else min(ttl, 5.0)
        self._check_interval = check_interval
        self._entries: dict[str, tuple[TenantSnapshot | None, float]] = {}
        self._version: bytes | None = None
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
            if len(self._entries) > 100_000:
                self._entries.clear()
            self._entries[host] = (snapshot, now + ttl)
        return snapshot

    def invalidate(self) -> None:
        """Forget everything here and tell every other process to do the same."""
        with self._lock:
            self._entries.clear()
        if self._redis is not None:
            try:
                self._version = str(self._redis.incr(self._version_key)).encode()
            except RedisError:
                pass

    def _sync_version(self, now: float) -> None:
        self._next_check = now + self._check_interval
        if self._redis is None:
            return
        try:
            version = self._redis.get(self._version_key)
        except RedisError:
            return
        if version != self._version:
            with self._lock:
                self._entries.clear()
                self._version = version
