"""The shared cache version without Redis: a database row every process can read and bump."""

from __future__ import annotations

from sqlalchemy import delete

from portal.core.extensions import db
from tenants.cache import DatabaseVersion
from tenants.models import CacheVersion


def test_bump_counts_up_and_every_reader_sees_it(app):
    version = DatabaseVersion("tenants")
    first = version.bump()
    assert DatabaseVersion("tenants").read() == first
    assert version.bump() == first + 1
    assert DatabaseVersion("tenants").read() == first + 1


def test_bump_recreates_a_missing_row_instead_of_failing_silently(app):
    db.session.execute(delete(CacheVersion))
    db.session.commit()
    version = DatabaseVersion("tenants")
    assert version.read() is None
    assert version.bump() == 1
    assert version.bump() == 2
    assert version.read() == 2


def test_an_unreachable_version_store_is_retried_after_a_back_off_not_every_second(monkeypatch):
    """A silent Redis costs one socket timeout per back-off period, not one per request."""
    from redis.exceptions import TimeoutError as RedisTimeout

    from tenants import cache as cache_module

    class Unreachable:
        reads = 0

        def read(self) -> object:
            Unreachable.reads += 1
            raise RedisTimeout("silent")

        def bump(self) -> object:
            raise RedisTimeout("silent")

    clock = [1000.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: clock[0])
    cache = cache_module.TenantCache(Unreachable(), ttl=300.0, check_interval=1.0)  # type: ignore[arg-type]
    for _ in range(10):  # 20 s of requests, one every 2 s: past the check interval each time
        cache.get("acme.example", lambda host: None)
        clock[0] += 2.0
    assert Unreachable.reads == 1
    clock[0] += cache_module.UNREACHABLE_BACKOFF
    cache.get("acme.example", lambda host: None)
    assert Unreachable.reads == 2, "tried again after the back-off"
