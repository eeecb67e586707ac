"""Hostile input never crashes the parsers (issue #11 fault suite): property tests with hypothesis.

Host names, brand colours, email addresses and link tokens come straight from requests; each
parser either accepts a value in its normal form or refuses it in its own way, never raises
anything else, and the pages that use them never answer 500.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from portal.branding.colors import HEX_COLOR, contrast_ratio, is_hex_color, text_on
from portal.clients.invitations import find_by_token
from portal.core.emails import lookup_email, normalize_email
from portal.core.errors import UserError
from tenants.hosts import BadDomainName, is_valid_hostname, normalize_host, parse_domain_name
from tests.fixtures.people import tenant_host

# Characters that matter to each parser, mixed with arbitrary text.
HOST_PIECES = [
    "acme", "foyer", "example", ".", "..", "-", ":", ":443", ":0", ":99999", "@", "[", "]",
    "::1", "127.0.0.1", "xn--", "xn--nxasmq6b", "ß", "ﬁ", "İ", "ＡＣＭＥ", "。", "\u200d",
    "\u0000", " ", "\t", "/", "\\", "%2e", "*", "_", "a" * 64, "com",
]  # fmt: skip
EMAIL_PIECES = [
    "ivy", "@", "@@", ".", "..", "client", "example", "com", "\"", "\\", " ", "+tag", "(c)",
    "<", ">", "[127.0.0.1]", "[IPv6:::1]", "ß", "é", "münchen", "xn--", "\u0000", "\n",
    "localhost", "foyer.example", "-", "a" * 64, "b" * 250,
]  # fmt: skip
TOKEN_PIECES = ["A", "-", "_", "=", "%", "%00", "\u0000", "\ud800", "é", "'", '"', ";", "/"]


def mixed(pieces: list[str], max_size: int = 10) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces) | st.text(max_size=6), max_size=max_size).map(
        "".join
    ) | st.text(max_size=400)


@given(mixed(HOST_PIECES))
@settings(max_examples=2000, deadline=None)
def test_host_normaliser_accepts_or_refuses_but_never_raises(raw: str) -> None:
    host = normalize_host(raw)
    if host is not None:
        assert is_valid_hostname(host)
        assert host == host.lower() and host.isascii()
        assert normalize_host(host) == host


@given(mixed(HOST_PIECES), st.lists(st.sampled_from(["foyer.example", "", "example"])))
@settings(max_examples=1000, deadline=None)
def test_domain_name_parser_raises_only_bad_domain_name(raw: str, reserved: list[str]) -> None:
    try:
        name = parse_domain_name(raw, reserved)
    except BadDomainName:
        return
    assert normalize_host(name) == name and "." in name


@given(st.text(max_size=20) | st.from_regex(r"#[0-9a-fA-F]{6}\n?", fullmatch=True))
@settings(max_examples=1000, deadline=None)
def test_colour_validator_accepts_exactly_six_hex_digits(value: str) -> None:
    expected = bool(re.fullmatch(r"#[0-9a-fA-F]{6}", value, flags=re.ASCII))
    assert is_hex_color(value) is expected
    # The pattern the branding form's Regexp validator uses (re.match) agrees with it.
    assert bool(HEX_COLOR.match(value)) is expected
    if expected:
        best = text_on(value)
        assert 1.0 <= best.ratio <= 21.0
        assert contrast_ratio(value, best.text) == best.ratio


def test_colour_validator_handles_none_and_empty() -> None:
    assert is_hex_color(None) is False
    assert is_hex_color("") is False


@given(mixed(EMAIL_PIECES))
@settings(max_examples=1500, deadline=None)
def test_address_parser_raises_only_user_error(raw: str) -> None:
    try:
        address = normalize_email(raw)
    except UserError as problem:
        assert str(problem)
        assert lookup_email(raw) == raw.strip().lower()
        return
    assert address == address.lower() and "@" in address
    assert normalize_email(address) == address
    assert lookup_email(raw) == address


# The token lookup runs a query: on both databases, inside the app.


@given(token=mixed(TOKEN_PIECES, max_size=30))
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_token_lookup_finds_nothing_for_any_string(app, tenant, token: str) -> None:  # type: ignore[no-untyped-def]
    assert find_by_token(tenant.id, token) is None


@given(token=mixed(TOKEN_PIECES, max_size=30))
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_token_pages_never_fail_on_any_token(client_for, tenant, token: str) -> None:  # type: ignore[no-untyped-def]
    assume("\ud800" not in token)  # not encodable in a URL
    client = client_for(tenant_host(tenant))
    for page in ("/invite/", "/reset-password/", "/admin/invitation/"):
        response = client.get(page + quote(token, safe=""))
        assert response.status_code < 500, (page, token)


@pytest.mark.parametrize("host", ["acme.foyer.example\x00", "[::1]:80", "a" * 400, "é.é", "%00"])
def test_odd_host_headers_never_fail(client_for, host: str) -> None:  # type: ignore[no-untyped-def]
    response = client_for("acme.foyer.example").get("/", headers={"Host": host})
    assert response.status_code < 500
