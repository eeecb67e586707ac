"""Per-tenant figures over all of a firm's clients (the dashboard's counts and weekly
history), cached until the clients change.

Computing them reads every contact (seconds at 150,000 accounts: bench.client_lists), so
the dashboard keeps the last result under the tenant's clients version: a commit that adds,
removes or changes a client account, contact, portal access or invitation in a way the
figures use bumps the version. Writes that bypass the ORM (bulk UPDATE statements) are
caught up by the TTL. With Redis the cache and the version are shared by every process;
without it (embedded mode) each process keeps its own.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from flask import current_app, has_app_context
from redis.exceptions import RedisError
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from portal.clients.models import AccountContact, ClientAccount, Contact, Invitation
from portal.core.redis_store import get_redis

TTL = 300  # seconds: the longest a bulk UPDATE's effect can stay unseen
# Per model, the attributes the figures read (new and deleted rows always count).
WATCHED: dict[type, tuple[str, ...]] = {
    ClientAccount: ("archived_at", "is_test"),
    Contact: ("activated_at",),
    AccountContact: ("login_enabled",),
    Invitation: ("first_sent_at", "last_sent_at", "cancelled_at", "accepted_at", "bounced_at"),
}
PENDING = "foyer.clients_changed"


def cached(tenant_id: int, name: str, compute: Callable[[], Any]) -> Any:
    """`compute()` (JSON-serialisable), or its result stored under the current version."""
    redis = get_redis()
    prefix = current_app.config["REDIS_KEY_PREFIX"]
    if redis is not None:
        try:
            raw = redis.get(f"{prefix}clients-version:{tenant_id}")
            version = raw.decode() if isinstance(raw, bytes) else str(raw or 0)
            key = f"{prefix}figures:{tenant_id}:{name}:{version}"
            stored = redis.get(key)
            if stored is not None:
                return json.loads(stored)
            value = compute()
            redis.set(key, json.dumps(value), ex=TTL)
            return value
        except RedisError:
            return compute()
    local = _local()
    version = local["versions"].get(tenant_id, 0)
    hit = local["values"].get((tenant_id, name))
    if hit is not None and hit[0] == version and hit[1] > time.monotonic():
        return hit[2]
    value = compute()
    local["values"][(tenant_id, name)] = (version, time.monotonic() + TTL, value)
    return value


def bump(tenant_ids: set[int]) -> None:
    """A new clients version for these tenants: their cached figures are recomputed."""
    if not tenant_ids or not has_app_context():
        return
    redis = get_redis()
    if redis is None:
        versions = _local()["versions"]
        for tenant_id in tenant_ids:
            versions[tenant_id] = versions.get(tenant_id, 0) + 1
        return
    prefix = current_app.config["REDIS_KEY_PREFIX"]
    try:
        with redis.pipeline(transaction=False) as pipe:
            for tenant_id in tenant_ids:
                pipe.incr(f"{prefix}clients-version:{tenant_id}")
            pipe.execute()
    except RedisError:
        pass  # the TTL catches up


def _local() -> dict[str, Any]:
    return current_app.extensions.setdefault("foyer.client_figures", {"versions": {}, "values": {}})


def _changed(instance: object) -> bool:
    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in WATCHED[type(instance)])


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, context: Any) -> None:
    """Collect the tenants whose clients changed; they are bumped after the commit."""
    touched = {
        instance.tenant_id
        for group, dirty in ((session.new, False), (session.deleted, False), (session.dirty, True))
        for instance in group
        if type(instance) in WATCHED and (not dirty or _changed(instance))
    }
    if touched:
        session.info.setdefault(PENDING, set()).update(touched)


@event.listens_for(Session, "after_commit")
def _bump_committed(session: Session) -> None:
    bump(session.info.pop(PENDING, set()))


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)
