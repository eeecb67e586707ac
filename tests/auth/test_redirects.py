"""`next=` after sign-in stays on the same host whatever encoding tricks are tried (issue #11.2)."""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.utils import redirect

from portal.auth.redirects import is_safe_path, safe_next
from tests.auth.conftest import CLIENT_EMAIL
from tests.fixtures.people import CLIENT_PASSWORD, tenant_host
from tests.fixtures.tenants import STAFF_PASSWORD

HOST = "acme.foyer.example"
# Pieces attackers combine: slashes and backslashes in every spelling, percent-encodings of
# them (once and twice), control and space characters browsers drop, fullwidth forms that
# NFKC folds to ASCII, schemes, userinfo and hosts.
PIECES = [
    "/", "//", "\\", "/\\", "\\/", "%2f", "%2F", "%5c", "%5C", "%252f", "%255C", "%25",
    "%09", "%0a", "%0D", "%00", "%20", "+", "\t", "\n", "\r", " ", "\x00", "\x0b", "\x1f",
    "\x7f", "\u00a0", "\u2028", "\u3000", "\ufeff", "\u200b", "\u202e", "／", "＼", "。", "．",
    "%EF%BC%8F", "%E3%80%82", "evil.com", "evil.com/", "@", ":", "http:", "https:",
    "javascript:alert(1)", "data:text/html,x", "//evil.com", "?", "#", "&", "=", ".", "..",
    "admin", "clients", "5", "ℯvil",
]  # fmt: skip
pieces = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=8).map("".join)
anything = pieces | st.text()
ENCODINGS = ("once", "twice", "partial")
ATTACKS = [
    "/%09/evil.com",
    "/\t/evil.com",
    "//evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "/%5Cevil.com",
    "/%2F%2Fevil.com",
    "%2F%2Fevil.com",
    "/%252F%252Fevil.com",
    "/%0a/evil.com",
    "/%0d%0a/evil.com",
    "/%00/evil.com",
    "/ /evil.com",
    "%20//evil.com",
    "/\u3000/evil.com",
    "/／evil.com",
    "／／evil.com",
    "https://evil.com/",
    "https:evil.com",
    "javascript:alert(1)",
    "///evil.com",
    "/.//evil.com",
    "evil.com",
    "",
]


def query_for(value: str, encoding: str) -> str:
    """The raw query string that makes `request.args["next"]` read (about) `value`."""
    if encoding == "once":
        return "next=" + quote(value, safe="")
    if encoding == "twice":
        return "next=" + quote(quote(value, safe=""), safe="")
    # Partly encoded: the characters a careless client leaves alone stay as typed, so `%xx`
    # sequences inside `value` are decoded by the server.
    return "next=" + quote(value, safe="/\\:@%?=+;,.$!*'()~")


def assert_same_origin(location: str, host: str = HOST) -> None:
    """The Location is a path on `host` for Python's parser and for a lenient browser."""
    assert location.startswith("/"), location
    assert not location.startswith("//"), location
    assert all(0x20 < ord(char) < 0x7F for char in location), location
    assert "\\" not in location, location
    joined = urlsplit(urljoin(f"https://{host}/admin/sign-in", location))
    assert (joined.scheme, joined.netloc) == ("https", host), location
    # A browser drops tabs and newlines, reads `\` as `/` and folds compatibility forms.
    lenient = unicodedata.normalize("NFKC", location).replace("\\", "/")
    assert not lenient.startswith("//"), location


def location_for(app: Flask, query: str, default: str = "/admin/") -> str:
    """The Location header the server sends for a redirect to `safe_next(default)`."""
    with app.test_request_context(f"/admin/sign-in?{query}", base_url=f"https://{HOST}"):
        target = safe_next(default)
        environ = {"wsgi.url_scheme": "https", "HTTP_HOST": HOST, "SERVER_NAME": HOST}
        headers = redirect(target).get_wsgi_headers(environ)
    return str(headers["Location"])


@pytest.fixture(scope="module")
def bare_app() -> Flask:
    """`safe_next` reads only the request: no database needed for thousands of examples."""
    return Flask(__name__)


@given(value=anything, encoding=st.sampled_from(ENCODINGS))
@settings(max_examples=1500, deadline=None)
def test_any_next_gives_a_same_origin_location(bare_app: Flask, value: str, encoding: str) -> None:
    location = location_for(bare_app, query_for(value, encoding))
    assert_same_origin(location)


@given(value=anything)
@settings(max_examples=1500, deadline=None)
def test_a_followed_target_is_exactly_what_was_asked_for(value: str) -> None:
    """Nothing is rewritten: a target is followed as given or replaced by the default."""
    if is_safe_path(value):
        assert value.startswith("/") and not value.startswith("//")
        assert not any(char.isspace() or char == "\\" for char in value)


@pytest.mark.parametrize(
    "target",
    ["/admin/clients/5", "/admin/clients?q=john%20smith&page=2", "/documents/a%2Fb", "/café"],
)
def test_ordinary_paths_are_followed(bare_app: Flask, target: str) -> None:
    location = location_for(bare_app, query_for(target, "once"), default="/elsewhere")
    assert location == quote(target, safe="/?&=%")
    assert_same_origin(location)


@pytest.mark.parametrize("target", ATTACKS)
def test_known_tricks_fall_back_to_the_default(bare_app: Flask, target: str) -> None:
    for encoding in ("once", "partial"):
        assert location_for(bare_app, query_for(target, encoding)) == "/admin/", encoding


# Through the real sign-in pages (staff and client), on both databases.


@pytest.fixture
def client_with_password(active_client):  # type: ignore[no-untyped-def]
    return active_client()


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Many sign-ins in a row: the per-address limit is tested elsewhere."""
    return {**app_config, "RATELIMIT_ENABLED": False}


def staff_sign_in(firm_client: Any, query: str) -> str:
    response = firm_client.submit(
        f"/admin/sign-in?{query}",
        {"email": "owner@acme.example", "password": STAFF_PASSWORD},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return str(response.headers["Location"])


def client_sign_in(client: Any, query: str) -> str:
    response = client.submit(
        f"/sign-in?{query}", {"email": CLIENT_EMAIL, "password": CLIENT_PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return str(response.headers["Location"])


@pytest.mark.parametrize("target", ["/%09/evil.com", "/\\/evil.com", "/%5C%5Cevil.com"])
def test_staff_sign_in_ignores_an_off_site_next(client_for, tenant, staff, target: str) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tenant_host(tenant))
    location = staff_sign_in(client, query_for(target, "partial"))
    assert location == "/admin/"


def test_staff_sign_in_follows_a_local_next(client_for, tenant, staff) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tenant_host(tenant))
    assert staff_sign_in(client, "next=/admin/clients%3Fpage%3D2") == "/admin/clients?page=2"


@pytest.mark.parametrize("target", ["/%09/evil.com", "/\\/evil.com", "/%5C%5Cevil.com"])
def test_client_sign_in_ignores_an_off_site_next(active_client, target: str) -> None:  # type: ignore[no-untyped-def]
    client = active_client()
    location = client_sign_in(client, query_for(target, "partial"))
    assert location == "/"


def test_client_sign_in_follows_a_local_next(active_client) -> None:  # type: ignore[no-untyped-def]
    client = active_client()
    assert client_sign_in(client, "next=/documents") == "/documents"


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=pieces, encoding=st.sampled_from(ENCODINGS))
def test_both_sign_in_pages_redirect_on_site_for_any_next(  # type: ignore[no-untyped-def]
    client_for, tenant, staff, client_with_password, value: str, encoding: str
) -> None:
    host = tenant_host(tenant)
    query = query_for(value, encoding)
    assert_same_origin(staff_sign_in(client_for(host), query), host)
    assert_same_origin(client_sign_in(client_for(host), query), host)
