"""The shipped gunicorn.conf.py trusts forwarded headers exactly when the app does (issue #11.12).

gunicorn's own default trusts `X-Forwarded-Proto` from 127.0.0.1, so with `TRUSTED_PROXIES=0`
a request claiming https became https (a `Secure` `__Host-` cookie the browser then withholds
over http, so staff forms failed CSRF). The tests start real gunicorn processes with the
README's production command and forge the headers.
"""

from __future__ import annotations

import http.client
import runpy
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.services import ROOT, stop_processes, worker_env

CONFIG = ROOT / "gunicorn.conf.py"
HOST = "acme.foyer.example"
FORGED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "nobody.foyer.example",
    "X-Forwarded-For": "203.0.113.9",
    "X-Forwarded-Port": "443",
}


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return runpy.run_path(str(CONFIG))


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, ""),
        ({"TRUSTED_PROXIES": ""}, ""),
        ({"TRUSTED_PROXIES": "0"}, ""),
        ({"TRUSTED_PROXIES": "0", "FORWARDED_ALLOW_IPS": "*"}, ""),  # 0 wins: trust nobody
        ({"TRUSTED_PROXIES": "1"}, "127.0.0.1,::1"),
        ({"TRUSTED_PROXIES": "2", "FORWARDED_ALLOW_IPS": "10.0.0.0/8"}, "10.0.0.0/8"),
    ],
)
def test_forwarded_allow_ips_follows_trusted_proxies(
    config: dict[str, Any], environ: dict[str, str], expected: str
) -> None:
    assert config["allowed_forwarders"](environ) == expected


def test_a_negative_trusted_proxies_is_refused(config: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        config["allowed_forwarders"]({"TRUSTED_PROXIES": "-1"})


def test_the_readme_production_command_uses_the_config() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "gunicorn --config gunicorn.conf.py --workers 4 --bind 127.0.0.1:8000 wsgi:app" in readme


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def start_gunicorn(app, tenant, tmp_path: Path) -> Iterator[Callable[..., int]]:  # type: ignore[no-untyped-def]
    """Serve the test app (its database, with the `acme` tenant) with gunicorn; returns the port."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(*, use_config: bool, trusted_proxies: str = "0") -> int:
        port = free_port()
        env = worker_env(app)
        env.pop("FORWARDED_ALLOW_IPS", None)
        env.update({"TRUSTED_PROXIES": trusted_proxies, "FOYER_EMBEDDED_SCHEDULER": "false"})
        command = [sys.executable, "-m", "gunicorn"]
        if use_config:
            command += ["--config", str(CONFIG)]
        command += ["--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app"]
        # gunicorn also reads ./gunicorn.conf.py by itself: without the config, start elsewhere
        # (PYTHONPATH still finds wsgi.py).
        cwd = ROOT if use_config else tmp_path
        with open(tmp_path / f"gunicorn-{len(processes)}.log", "wb") as log:
            process = subprocess.Popen(
                command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT
            )
        processes.append(process)
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _headers = get(port, "/healthz", {})
                if status in (200, 503):
                    return port
            except OSError:
                pass
            assert process.poll() is None, tmp_path / f"gunicorn-{len(processes) - 1}.log"
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)

    yield start
    stop_processes(processes)  # type: ignore[arg-type]


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, http.client.HTTPMessage]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": HOST, **headers})
        response = connection.getresponse()
        response.read()
        return response.status, response.headers
    finally:
        connection.close()


def cookie_header(headers: http.client.HTTPMessage) -> str:
    cookies = headers.get_all("Set-Cookie") or []
    assert len(cookies) == 1, cookies
    return cookies[0]


@pytest.mark.slow
def test_forged_forwarded_headers_change_nothing_when_no_proxy_is_trusted(
    start_gunicorn: Callable[..., int],
) -> None:
    port = start_gunicorn(use_config=True)
    plain_status, plain = get(port, "/admin/sign-in", {})
    status, forged = get(port, "/admin/sign-in", FORGED)
    assert plain_status == status == 200  # still Acme's page: X-Forwarded-Host is ignored
    for headers in (plain, forged):
        cookie = cookie_header(headers)
        assert cookie.startswith("foyer="), cookie  # plain http: no __Host- cookie...
        assert "secure" not in cookie.lower(), cookie  # ...and not Secure
        assert "Strict-Transport-Security" not in headers  # HSTS only over real https


@pytest.mark.slow
def test_without_the_config_gunicorn_believes_the_forged_scheme(
    start_gunicorn: Callable[..., int],
) -> None:
    """The control: gunicorn's default trusts loopback, which the config file corrects."""
    port = start_gunicorn(use_config=False)
    status, forged = get(port, "/admin/sign-in", FORGED)
    assert status == 200
    assert cookie_header(forged).startswith("__Host-foyer=")


@pytest.mark.slow
def test_a_trusted_proxy_still_sets_the_scheme(start_gunicorn: Callable[..., int]) -> None:
    port = start_gunicorn(use_config=True, trusted_proxies="1")
    status, forwarded = get(port, "/admin/sign-in", {"X-Forwarded-Proto": "https"})
    assert status == 200
    cookie = cookie_header(forwarded)
    assert cookie.startswith("__Host-foyer=") and "Secure" in cookie
    assert forwarded["Strict-Transport-Security"].startswith("max-age=")


def test_workers_are_threaded_so_sign_ins_do_not_queue_other_pages(
    config: dict[str, Any],
) -> None:
    """A sign-in hashes for ~60 ms; with sync workers a burst of them blocks every page."""
    assert config["worker_class"] == "gthread"
    assert 2 <= config["threads"] <= 15  # SQLAlchemy's default pool: 5 + 10 overflow
