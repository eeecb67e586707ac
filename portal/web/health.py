from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.core.extensions import db
from portal.core.redis_store import get_redis
from tenants.resolution import any_host

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@any_host
def healthz() -> ResponseReturnValue:
    """Database and Redis state; 503 when one that is configured is down."""
    state = {"database": "ok", "redis": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        state["database"] = "down"
    redis = get_redis()
    if redis is None:
        state["redis"] = "not configured"
    else:
        try:
            redis.ping()
        except (RedisError, OSError):
            state["redis"] = "down"
    healthy = "down" not in state.values()
    return jsonify(status="ok" if healthy else "degraded", **state), 200 if healthy else 503
