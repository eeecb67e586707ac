"""HTTP hardening shared by every page: proxy trust, host-only cookies, security headers.

Every request passes through this module, so it avoids work a request does not need: no cookie
parsing without a `Cookie` header, one signing serializer per key set, and security headers
added with plain list work at the WSGI layer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Request, Response, make_response, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
DEFAULT_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", CSP),
    ("Referrer-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


class HostOnlySessionInterface(SecureCookieSessionInterface):
    """Session cookie bound to exactly one host; `__Host-` prefixed and Secure over https."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[object, ...], URLSafeTimedSerializer] = {}

    def get_cookie_name(self, app: Flask) -> str:
        return "__Host-foyer" if request.is_secure else "foyer"

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure

    def get_cookie_domain(self, app: Flask) -> None:
        return None

    def get_cookie_path(self, app: Flask) -> str:
        return "/"

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask builds a serializer per request; keep one per secret key and fallbacks."""
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if serializer is None:
                return None
            self._serializers = {keys: serializer}
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if "HTTP_COOKIE" not in request.environ:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not session and not session.modified and not session.accessed:
            return  # nothing read, nothing to write: no cookie and no Vary header
        super().save_session(app, session, response)


class SecurityHeaders:
    """WSGI middleware: give every response each security header its view did not set."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower() for name, _ in headers}
            wanted: tuple[tuple[str, str], ...] = DEFAULT_HEADERS
            if environ["wsgi.url_scheme"] == "https":
                wanted = (*DEFAULT_HEADERS, HSTS)
            headers.extend(pair for pair in wanted if pair[0].lower() not in present)
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def no_referrer(view: Callable[..., Any]) -> Callable[..., Any]:
    """For pages whose address holds a secret token: browsers must not send it anywhere."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        response = make_response(view(*args, **kwargs))
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return wrapped


def init_app(app: Flask) -> None:
    wsgi: SecurityHeaders | ProxyFix = SecurityHeaders(app.wsgi_app)
    hops = int(app.config["TRUSTED_PROXIES"] or 0)
    if hops > 0:
        wsgi = ProxyFix(wsgi, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    app.wsgi_app = wsgi  # type: ignore[method-assign]  # Flask's documented way to add middleware
    app.session_interface = HostOnlySessionInterface()
