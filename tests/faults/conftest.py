"""The fault suite's app: Redis behind the fault proxy, and workers that sweep quickly."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.fixtures.faults import proxied_redis_url
from tests.fixtures.people import tenant_host
from tests.fixtures.services import ROOT, stop_processes, worker_env
from tests.fixtures.tenants import HostClient

# The worker sweeps the outbox on every scheduler tick (5 s) and takes rows at once.
SWEEP_EVERYTHING = {"OUTBOX_SWEEP_INTERVAL": 1, "OUTBOX_SWEEP_GRACE_SECONDS": 0}


@pytest.fixture
def proxied_app(app, make_app, redis_prefix, redis_proxy) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    """The test app with Redis behind the fault proxy (own key prefix, cleaned up)."""
    faulty = make_app(
        REDIS_URL=proxied_redis_url(redis_proxy), REDIS_KEY_PREFIX=redis_prefix, **SWEEP_EVERYTHING
    )
    with faulty.app_context():
        yield faulty


@pytest.fixture
def start_proxied_worker(tmp_path: Path) -> Iterator[Callable[[Flask], subprocess.Popen]]:
    """`foyer worker` for the proxied app, with the quick outbox sweep of `SWEEP_EVERYTHING`."""
    processes: list[subprocess.Popen] = []

    def start(app: Flask) -> subprocess.Popen:
        env = worker_env(app)
        env.update({f"FOYER_{name}": str(value) for name, value in SWEEP_EVERYTHING.items()})
        with open(tmp_path / f"worker-{len(processes)}.log", "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "portal.cli", "worker"],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        processes.append(process)
        return process

    yield start
    stop_processes(processes)


@pytest.fixture
def owner(proxied_app, tenant, staff) -> HostClient:  # type: ignore[no-untyped-def]
    """The firm's owner on the proxied app's test client (not yet signed in)."""
    return proxied_app.test_client(host=tenant_host(tenant))  # type: ignore[call-arg]
