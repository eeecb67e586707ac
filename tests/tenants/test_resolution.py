from __future__ import annotations

import pytest

from tenants.hosts import normalize_host


def test_tenant_subdomain_serves_that_tenants_portal(portal, tenant):
    response = portal.get("/", follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == "/sign-in"
    assert "Acme Accounting" in response.get_data(as_text=True)


def test_unknown_host_gets_plain_404(client_for, tenant):
    response = client_for("nobody.foyer.example").get("/")
    assert response.status_code == 404
    assert "Acme" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ACME.Foyer.Example", "acme.foyer.example"),
        ("acme.foyer.example:8443", "acme.foyer.example"),
        ("acme.foyer.example.", "acme.foyer.example"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("", None),
        ("evil.com:80@acme.foyer.example", None),
        ("acme.foyer.example:abc", None),
        ("acme.foyer.example:65535", "acme.foyer.example"),
        ("acme.foyer.example:65536", None),
        ("acme.foyer.example:0", None),
        ("[::1]:80", None),
        ("127.0.0.1", None),
        ("-bad-.example", None),
        ("a b.example", None),
        ("x" * 64 + ".example", None),
    ],
)
def test_host_normalisation(raw, expected):
    assert normalize_host(raw) == expected
