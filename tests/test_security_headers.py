"""Security headers on every response and a host-only, `__Host-` prefixed session cookie."""

from __future__ import annotations

from werkzeug.http import parse_cookie

PAGES = [
    ("acme.foyer.example", "/admin/sign-in"),
    ("acme.foyer.example", "/robots.txt"),
    ("foyer.example", "/operator/sign-in"),
    ("nobody.foyer.example", "/"),  # the 404 page
    ("unknown.example", "/healthz"),
]


def session_cookie(response) -> tuple[str, dict[str, str | None]]:  # type: ignore[no-untyped-def]
    """Name and lower-cased attributes of the one session cookie the response sets."""
    (header,) = [h for h in response.headers.getlist("Set-Cookie") if "foyer=" in h]
    pair, *attributes = [part.strip() for part in header.split(";")]
    name = pair.partition("=")[0]
    parsed = {}
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        parsed[key.lower()] = value or None
    return name, parsed


def test_every_response_carries_the_security_headers(client_for, tenant):
    for host, path in PAGES:
        headers = client_for(host).get(path).headers
        assert headers["X-Content-Type-Options"] == "nosniff", (host, path)
        assert headers["X-Frame-Options"] == "DENY", (host, path)
        assert headers["Referrer-Policy"] == "same-origin", (host, path)
        csp = headers["Content-Security-Policy"]
        for directive in ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'"):
            assert directive in csp, (host, path)
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1]
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000"), (host, path)


def test_session_cookie_over_https_is_host_only_and_hardened(client_for, tenant):
    for host, path in (
        ("acme.foyer.example", "/admin/sign-in"),
        ("foyer.example", "/operator/sign-in"),
    ):
        name, attributes = session_cookie(client_for(host).get(path))
        assert name == "__Host-foyer", host
        assert "secure" in attributes, host
        assert "httponly" in attributes, host
        assert attributes["samesite"] == "Lax", host
        assert attributes["path"] == "/", host
        assert "domain" not in attributes, host


def test_plain_http_gets_no_hsts_and_no_secure_cookie(client_for, tenant):
    response = client_for("acme.foyer.example").get(
        "/admin/sign-in", base_url="http://acme.foyer.example"
    )
    assert "Strict-Transport-Security" not in response.headers
    name, attributes = session_cookie(response)
    assert name == "foyer"  # browsers refuse a __Host- cookie without Secure
    assert "secure" not in attributes and "domain" not in attributes
    assert "httponly" in attributes


def test_forwarded_proto_is_ignored_without_trusted_proxies(client_for, tenant):
    response = client_for("acme.foyer.example").get(
        "/admin/sign-in",
        base_url="http://acme.foyer.example",
        headers={"X-Forwarded-Proto": "https"},
    )
    assert "Strict-Transport-Security" not in response.headers
    assert session_cookie(response)[0] == "foyer"


def test_forwarded_proto_is_honoured_behind_a_trusted_proxy(make_app, tenant):
    proxied = make_app(TRUSTED_PROXIES=1)
    response = proxied.test_client(host="acme.foyer.example").get(
        "/admin/sign-in",
        base_url="http://acme.foyer.example",
        headers={"X-Forwarded-Proto": "https"},
    )
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    name, attributes = session_cookie(response)
    assert name == "__Host-foyer" and "secure" in attributes


def test_signed_in_session_is_a_signed_cookie_without_readable_secrets(platform, make_operator):
    make_operator()
    response = platform.submit(
        "/operator/sign-in", {"email": "ops@foyer.example", "password": "lantern orchard velvet 42"}
    )
    name, attributes = session_cookie(response)
    assert name == "__Host-foyer" and "secure" in attributes and "domain" not in attributes
    assert "expires" in attributes  # a permanent session that ends after its lifetime
    value = parse_cookie(response.headers["Set-Cookie"])["__Host-foyer"]
    assert "lantern" not in value and "ops@foyer.example" not in value
