"""Browser tests: the app served on a real socket, driven by Debian's Chromium via Playwright.

Tenants are resolved from the Host header, so Chromium maps every host name to 127.0.0.1 and a
test opens `http://<slug>.foyer.example:<port>/` (see `LiveServer.url`). The app under the live
server is the test's app (`app`, `make_tenant`, `tenant` and `smtp` work as elsewhere); it speaks
plain http, so links in emails point at http://…:<port>/ and the session cookie is `foyer`.

Browser tests run on SQLite only, to keep the suite fast.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tests.fixtures.tenants import PLATFORM_DOMAIN

CHROMIUM = os.environ.get("FOYER_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Every host name (tenant subdomains of foyer.example) reaches the live server.
    "--host-resolver-rules=MAP * 127.0.0.1",
]
HERE = Path(__file__).resolve().parent
E2E_BACKEND = "sqlite"


def _in_e2e(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests here `browser`, and keep only their SQLite run (this hook sees every item)."""
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        if not _in_e2e(item):
            keep.append(item)
            continue
        item.add_marker(pytest.mark.browser)
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("db_backend") if callspec is not None else None
        (dropped if backend not in (None, E2E_BACKEND) else keep).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@dataclass
class LiveServer:
    app: Flask
    server: BaseWSGIServer

    @property
    def port(self) -> int:
        return self.server.port

    def url(self, host: str = PLATFORM_DOMAIN, path: str = "/") -> str:
        """`live_server.url("acme.foyer.example", "/admin/")`; a bare slug means its subdomain."""
        if "." not in host:
            host = f"{host}.{PLATFORM_DOMAIN}"
        return f"http://{host}:{self.port}{path}"


@pytest.fixture
def live_server(make_app: Callable[..., Flask]) -> Iterator[LiveServer]:
    """The test's app on http://127.0.0.1:<free port>, threaded; its app context is pushed."""
    holder: dict[str, Flask] = {}

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        return holder["app"](environ, start_response)

    # Bind first (port 0: a free port), so that the app knows its public port from the start.
    server = make_server("127.0.0.1", 0, wsgi, threaded=True, request_handler=_QuietHandler)
    # MAIL_SUPPRESS_SEND: Flask-Mail drops every message when TESTING is on; the live server
    # delivers to the test's real SMTP server, like production does.
    app = make_app(PREFERRED_URL_SCHEME="http", PUBLIC_PORT=server.port, MAIL_SUPPRESS_SEND=False)
    holder["app"] = app
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        with app.app_context():
            yield LiveServer(app=app, server=server)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def app(live_server: LiveServer) -> Flask:
    """In browser tests the app is the one behind the live server (same database)."""
    return live_server.app


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for all browser tests. Package scope, not session: between its calls the
    sync API leaves its event loop marked as running in this thread, so it must be gone before
    the rest of the suite runs."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: scripts/test installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page for each test."""
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
