"""A change to a tenant reaches every web process within seconds, not at cache expiry (5 minutes).

A second, real web process (wsgi:app served by Werkzeug) resolves and caches tenants; the test
process changes them through the normal code paths, which bump the shared version: a key in
Redis, or a row in the database when the deployment has no Redis.
"""

from __future__ import annotations

import http.client
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import update

from portal.core.extensions import db
from tenants.models import Domain, DomainStatus, Tenant, TenantStatus
from tenants.provisioning import set_tenant_status
from tenants.resolution import forget_tenants
from tests.fixtures.services import ROOT, stop_processes, worker_env
from tests.fixtures.smtp import free_port

HOST = "acme.foyer.example"
SERVE = (
    "import sys; from werkzeug.serving import make_server; from wsgi import app; "
    "make_server('127.0.0.1', int(sys.argv[1]), app, threaded=True).serve_forever()"
)


def fetch(port: int, host: str, path: str = "/") -> tuple[int, str]:
    """GET on the other process like a browser on `host`, following same-host redirects."""
    for _ in range(5):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", path, headers={"Host": host})
            response = connection.getresponse()
            body = response.read().decode()
        finally:
            connection.close()
        location = response.getheader("Location")
        if response.status in (301, 302, 303, 307) and location:
            path = urlsplit(urljoin(f"http://{host}{path}", location)).path
            continue
        return response.status, body
    raise AssertionError(f"too many redirects for {host}{path}")


def eventually(check: Callable[[], bool], within: float, what: str) -> float:
    """Poll until `check()` holds; return how long it took."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > within:
            raise AssertionError(f"not within {within} s: {what}")
        time.sleep(0.05)
    return time.monotonic() - start


@pytest.fixture
def web_process(tmp_path: Path) -> Iterator[Callable[..., int]]:
    """Start `wsgi:app` in its own process, configured like the given app; return its port."""
    processes: list[subprocess.Popen] = []

    def start(app) -> int:  # type: ignore[no-untyped-def]
        port = free_port()
        log_path = tmp_path / f"web-{port}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-c", SERVE, str(port)],
                env=worker_env(app),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        processes.append(process)
        deadline = time.monotonic() + 20
        while True:
            try:
                if fetch(port, "health.check", "/healthz")[0] == 200:
                    return port
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"web process did not start:\n{log_path.read_text()}")
            time.sleep(0.1)

    yield start
    stop_processes(processes)


@pytest.fixture(params=["redis", "database"])
def shared_app(request):  # type: ignore[no-untyped-def]
    """The app whose processes share a cache version: through Redis, or the database only."""
    return request.getfixturevalue("redis_app" if request.param == "redis" else "app")


@pytest.mark.slow
def test_tenant_changes_reach_another_web_process_within_seconds(
    shared_app, make_tenant, web_process
):
    tenant = make_tenant(slug="acme", name="Acme Accounting")
    port = web_process(shared_app)
    status, body = fetch(port, HOST)
    assert status == 200 and "Acme Accounting" in body  # resolved and cached over there

    # Written behind the cache's back (no version bump): the other process keeps serving its
    # cached snapshot even after it has compared versions (every second). This is what the
    # invalidation below has to overcome.
    db.session.execute(update(Tenant).where(Tenant.slug == "acme").values(name="Acme Renamed"))
    db.session.commit()
    checked_until = time.monotonic() + 1.5
    while time.monotonic() < checked_until:
        status, body = fetch(port, HOST)
        assert status == 200 and "Acme Accounting" in body and "Acme Renamed" not in body
        time.sleep(0.25)

    # Suspension and resumption, through the code path the CLI and console use.
    set_tenant_status("acme", TenantStatus.SUSPENDED)
    eventually(lambda: fetch(port, HOST)[0] == 404, within=5, what="suspended tenant 404s")
    assert "Acme" not in fetch(port, HOST)[1]

    set_tenant_status("acme", TenantStatus.ACTIVE)

    def served_freshly_loaded() -> bool:
        status, body = fetch(port, HOST)
        return status == 200 and "Acme Renamed" in body

    eventually(served_freshly_loaded, within=5, what="resumed tenant served again, reloaded")

    # A new custom domain: the host is cached as unknown over there (for 5 s) just before.
    assert fetch(port, "portal.acme-cpa.example")[0] == 404
    db.session.add(
        Domain(tenant_id=tenant.id, host="portal.acme-cpa.example", status=DomainStatus.VERIFIED)
    )
    db.session.commit()
    forget_tenants()
    eventually(
        lambda: fetch(port, "portal.acme-cpa.example")[0] == 200,
        within=3.5,
        what="the new domain is served by the other process before its 404 expires",
    )
    assert "Acme Renamed" in fetch(port, "portal.acme-cpa.example")[1]
