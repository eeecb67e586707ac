"""Rate limits shared by every web process (Redis) or kept in-process in embedded mode.

When Redis is unreachable the limits fail open to an in-process limiter (each process counts
on its own) with a logged warning, so a Redis outage never turns a sign-in into a 500. Redis is
tried again after `RATELIMIT_FALLBACK_SECONDS`; its operations time out after
`RATELIMIT_REDIS_TIMEOUT` seconds, so a hung Redis costs one request that long per window.
"""

from __future__ import annotations

import logging
import math
import threading
import time

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

log = logging.getLogger(__name__)


class Limiter:
    """The shared (Redis) limiter with an in-process fallback while Redis is unreachable."""

    def __init__(self, shared: FixedWindowRateLimiter | None, fallback_seconds: float) -> None:
        self.shared = shared
        self.local = FixedWindowRateLimiter(MemoryStorage())
        self.fallback_seconds = fallback_seconds
        self._shared_again_at = 0.0  # monotonic time before which the local limiter counts
        self._lock = threading.Lock()

    def hit(self, item: RateLimitItem, *identifiers: str) -> float | None:
        """Count one attempt; None when allowed, else the epoch time the window resets."""
        shared = self.shared
        if shared is not None and time.monotonic() >= self._shared_again_at:
            try:
                return self._hit(shared, item, identifiers)
            except StorageError as exc:
                self._fall_back(exc.storage_error)
        return self._hit(self.local, item, identifiers)

    @staticmethod
    def _hit(
        limiter: FixedWindowRateLimiter, item: RateLimitItem, identifiers: tuple[str, ...]
    ) -> float | None:
        if limiter.hit(item, *identifiers):
            return None
        return limiter.get_window_stats(item, *identifiers).reset_time

    def _fall_back(self, error: Exception) -> None:
        with self._lock:
            already = time.monotonic() < self._shared_again_at
            self._shared_again_at = time.monotonic() + self.fallback_seconds
        if not already:
            log.warning(
                "rate limits: Redis unreachable (%s); counting in this process for %.0f s",
                error,
                self.fallback_seconds,
            )


def init_app(app: Flask) -> None:
    url = app.config["REDIS_URL"]
    shared = None
    if url:
        timeout = float(app.config["RATELIMIT_REDIS_TIMEOUT"])
        storage = RedisStorage(
            url,
            wrap_exceptions=True,
            key_prefix=f"{app.config['REDIS_KEY_PREFIX']}limits",
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        )
        shared = FixedWindowRateLimiter(storage)
    app.extensions["foyer.limiter"] = Limiter(
        shared, float(app.config["RATELIMIT_FALLBACK_SECONDS"])
    )


def hit(rule: str, *key: object) -> int | None:
    """Count one attempt; return None when allowed, else the seconds until the next try."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return None
    limiter: Limiter = current_app.extensions["foyer.limiter"]
    reset_time = limiter.hit(parse(rule), *(str(part) for part in key))
    if reset_time is None:
        return None
    return max(1, math.ceil(reset_time - time.time()))


def enforce(rule: str, *key: object) -> None:
    """Abort with 429 and Retry-After when the limit is exceeded; `core.errors` draws the page."""
    retry_after = hit(rule, *key)
    if retry_after is not None:
        raise TooManyRequests(retry_after=retry_after)


def window(rule: str, *key: object) -> tuple[bool, int, int, int]:
    """Count one request and describe the window: (allowed, limit, remaining, seconds to reset),
    for the `RateLimit-*` headers of the API."""
    item = parse(rule)
    if not current_app.config["RATELIMIT_ENABLED"]:
        return True, item.amount, item.amount, item.get_expiry()
    limiter: Limiter = current_app.extensions["foyer.limiter"]
    identifiers = tuple(str(part) for part in key)
    reset_time = limiter.hit(item, *identifiers)
    stats_limiter = limiter.shared if limiter.shared is not None else limiter.local
    try:
        stats = stats_limiter.get_window_stats(item, *identifiers)
    except StorageError:
        stats = limiter.local.get_window_stats(item, *identifiers)
    reset = max(1, math.ceil((reset_time or stats.reset_time) - time.time()))
    return reset_time is None, item.amount, stats.remaining, reset
