"""Fixtures for the API: firm tokens, a tenant-host client that sends them, and a loopback
webhook receiver that verifies Standard Webhooks signatures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask

from tests.fixtures.tenants import PLATFORM_DOMAIN


@pytest.fixture
def make_token(app: Flask) -> Callable[..., str]:
    from portal.auth.api_tokens import create_token
    from portal.core.extensions import db

    def make(tenant: Any, *, write: bool = True, days: int | None = None, name: str = "ci") -> str:
        _, raw = create_token(tenant.id, name, write=write, days=days)
        db.session.commit()
        return raw

    return make


class Api:
    """A test client for one tenant host that sends a bearer token on every request."""

    def __init__(self, client: Any, token: str | None) -> None:
        self.client = client
        self.token = token

    def call(self, method: str, path: str, json_body: Any = None, **headers: str) -> Any:
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.client.open(
            "/api/v1" + path, method=method.upper(), json=json_body, headers=headers
        )

    def get(self, path: str, **headers: str) -> Any:
        return self.call("get", path, **headers)

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.call("post", path, {} if body is None else body, **headers)


@pytest.fixture
def api_for(client_for: Callable[[str], Any], make_token: Callable[..., str]) -> Callable[..., Api]:
    def make(tenant: Any, *, write: bool = True, token: str | None = "") -> Api:
        raw = make_token(tenant, write=write) if token == "" else token
        return Api(client_for(f"{tenant.slug}.{PLATFORM_DOMAIN}"), raw)

    return make


@pytest.fixture
def api(api_for: Callable[..., Api], tenant: Any) -> Api:
    return api_for(tenant)


class Receiver:
    """Records each POST whose signature verifies with `secret`; answers `statuses` in turn."""

    def __init__(self) -> None:
        self.secret = ""
        self.events: list[dict[str, Any]] = []
        self.ids: list[str] = []
        self.bad_signatures = 0
        self.statuses: list[int] = []
        self.url = ""
        self.received = threading.Event()

    def verify(self, headers: Any, body: bytes) -> bool:
        key = base64.b64decode(self.secret.removeprefix("whsec_"))
        signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        given = [part.split(",", 1)[1] for part in headers["webhook-signature"].split()]
        return any(hmac.compare_digest(expected, sig) for sig in given)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802  (http.server's naming)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = state.statuses.pop(0) if state.statuses else 200
            if state.verify(self.headers, body):
                state.events.append(json.loads(body))
                state.ids.append(self.headers["webhook-id"])
            else:
                state.bad_signatures += 1
            self.send_response(status)
            self.end_headers()
            state.received.set()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
