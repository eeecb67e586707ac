"""PostgreSQL briefly unreachable (the fault proxy in front of it closed): a tenant page is the
branded 503 page, `/healthz` says 503, and the same app answers again once the database is back,
without restarting anything."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask

from tests.fixtures.faults import FaultProxy
from tests.fixtures.people import tenant_host

BOUND_SECONDS = 5.0  # each request, whatever the database does
PAGE = "/invite/some-token"  # a tenant page that reads the database


@pytest.fixture
def database_proxy(db_backend: str, database_url: str) -> Iterator[FaultProxy]:
    if db_backend != "postgresql":
        pytest.skip("a network fault needs a database server (PostgreSQL)")
    parts = urlsplit(database_url)
    proxy = FaultProxy(parts.hostname or "127.0.0.1", parts.port or 5432).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def proxied_db_app(app, make_app, database_url, database_proxy) -> Flask:  # type: ignore[no-untyped-def]
    """The test app (same schema) reaching PostgreSQL through the fault proxy."""
    url = database_proxy.url_for(database_url) + "&connect_timeout=2"
    return make_app(DATABASE_URL=url)


def _timed_get(client, path: str):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    response = client.get(path)
    assert time.monotonic() - started < BOUND_SECONDS, f"{path} took too long"
    return response


def test_database_down_then_back_without_a_restart(proxied_db_app, tenant, database_proxy):
    visitor = proxied_db_app.test_client(host=tenant_host(tenant))  # type: ignore[call-arg]
    assert _timed_get(visitor, "/sign-in").status_code == 200
    answer = _timed_get(visitor, PAGE).status_code  # the link is unknown: a page saying so
    assert answer < 500
    assert _timed_get(visitor, "/healthz").status_code == 200

    database_proxy.close()
    page = _timed_get(visitor, PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 503, "not a bare 500"
    assert page.mimetype == "text/html" and page.headers["Retry-After"]
    assert tenant.name in html and "--brand" in html, "the firm's branded page"
    health = _timed_get(visitor, "/healthz")
    assert health.status_code == 503

    database_proxy.open()
    assert _timed_get(visitor, PAGE).status_code == answer, "same process, no restart"
    assert _timed_get(visitor, "/sign-in").status_code == 200
    assert _timed_get(visitor, "/healthz").status_code == 200
