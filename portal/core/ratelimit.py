"""Rate limits shared by every web process (Redis) or kept in-process in embedded mode."""

from __future__ import annotations

import math
import time

from flask import Flask, current_app
from limits import parse
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests


def init_app(app: Flask) -> None:
    url = app.config["REDIS_URL"]
    storage = (
        RedisStorage(url, key_prefix=f"{app.config['REDIS_KEY_PREFIX']}limits")
        if url
        else MemoryStorage()
    )
    app.extensions["foyer.limiter"] = FixedWindowRateLimiter(storage)


def hit(rule: str, *key: object) -> int | None:
    """Count one attempt; return None when allowed, else the seconds until the next try."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return None
    limiter: FixedWindowRateLimiter = current_app.extensions["foyer.limiter"]
    item = parse(rule)
    identifiers = [str(part) for part in key]
    if limiter.hit(item, *identifiers):
        return None
    stats = limiter.get_window_stats(item, *identifiers)
    return max(1, math.ceil(stats.reset_time - time.time()))


def enforce(rule: str, *key: object) -> None:
    """Abort with 429 and Retry-After when the limit is exceeded; `core.errors` draws the page."""
    retry_after = hit(rule, *key)
    if retry_after is not None:
        raise TooManyRequests(retry_after=retry_after)
