"""Rate limits shared by every web process (Redis) or kept in-process in embedded mode."""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, make_response
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
    app.register_error_handler(TooManyRequests, _too_many_requests)


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
    """Abort with 429 and Retry-After when the limit is exceeded."""
    retry_after = hit(rule, *key)
    if retry_after is not None:
        raise RateLimited(retry_after)


class RateLimited(TooManyRequests):
    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after


def _too_many_requests(error: TooManyRequests):  # type: ignore[no-untyped-def]
    retry_after = getattr(error, "retry_after", 60)
    minutes = max(1, math.ceil(retry_after / 60))
    body = (
        "<!doctype html><title>Too many attempts</title>"
        f"<p>Too many attempts. Please wait {minutes} minute{'s' if minutes > 1 else ''} "
        "and try again.</p>"
    )
    response = make_response(body, 429)
    response.headers["Retry-After"] = str(retry_after)
    return response
