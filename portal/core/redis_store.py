"""The one Redis connection of an app (or None in embedded mode) and its key prefix."""

from __future__ import annotations

from flask import Flask, current_app
from redis import Redis


def init_app(app: Flask) -> None:
    url = app.config["REDIS_URL"]
    app.extensions["foyer.redis"] = Redis.from_url(url, socket_timeout=5) if url else None


def get_redis() -> Redis | None:
    return current_app.extensions["foyer.redis"]
