import threading
from collections.abc import Iterator

import pytest

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.smtp",
    "tests.fixtures.dns",
    "tests.fixtures.services",
    "tests.fixtures.faults",
    "tests.fixtures.tenants",
    "tests.fixtures.people",
    "tests.fixtures.push",
    "tests.fixtures.stripe_stub",
]


@pytest.fixture
def app_config(app_config, tmp_path):  # type: ignore[no-untyped-def]
    """Uploads go to the test's own folder, never to the checkout's instance folder."""
    return {**app_config, "UPLOAD_FOLDER": str(tmp_path / "uploads")}


@pytest.fixture(autouse=True)
def cancel_timers() -> Iterator[None]:
    """Without Redis, delayed jobs (grouped notification emails, outbox retries) wait on timer
    threads: a test's timers must not fire into a later test's database or SMTP server."""
    before = set(threading.enumerate())
    yield
    for thread in set(threading.enumerate()) - before:
        if isinstance(thread, threading.Timer):
            thread.cancel()
