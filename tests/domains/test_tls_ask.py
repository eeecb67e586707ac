"""Caddy's on-demand TLS `ask` endpoint: 200 only for names the platform serves."""

from __future__ import annotations

import pytest

from portal.core.extensions import db
from tenants.models import Domain
from tenants.resolution import forget_tenants
from tests.domains.conftest import HOST, make_verified


def ask(client, domain: str) -> int:  # type: ignore[no-untyped-def]
    return client.get("/tls/ask", query_string={"domain": domain}).status_code


@pytest.fixture
def caddy(client_for):  # type: ignore[no-untyped-def]
    return client_for("127.0.0.1:8000")  # Caddy calls it on loopback, with any Host


def test_verified_domain_is_allowed(caddy, tenant, dns):
    make_verified(tenant, HOST)
    assert ask(caddy, HOST) == 200
    assert ask(caddy, HOST.upper() + ".") == 200
    assert dns.queries == []  # never a DNS query


def test_pending_and_failed_domains_are_refused(caddy, tenant):
    db.session.add(Domain(tenant_id=tenant.id, host=HOST, status="pending"))
    db.session.add(Domain(tenant_id=tenant.id, host="x.smithcpa.example", status="failed"))
    db.session.commit()
    assert ask(caddy, HOST) == 404
    assert ask(caddy, "x.smithcpa.example") == 404


def test_platform_names_and_active_tenant_subdomains_are_allowed(caddy, tenant):
    for name in ("foyer.example", "admin.foyer.example", "acme.foyer.example"):
        assert ask(caddy, name) == 200, name
    assert ask(caddy, "nobody.foyer.example") == 404
    assert ask(caddy, "deep.acme.foyer.example") == 404


def test_suspended_tenants_domains_are_refused(caddy, tenant):
    make_verified(tenant, HOST)
    tenant.status = "suspended"
    db.session.commit()
    forget_tenants()
    assert ask(caddy, HOST) == 404
    assert ask(caddy, "acme.foyer.example") == 404


GARBAGE = ["", "unknown.example", "203.0.113.1", "[::1]", "a b.example", "x.example:443",
           "user@acme.foyer.example", "*.acme.foyer.example", "a" * 400,
           "portal.smithcpa.example/x"]  # fmt: skip


def test_unknown_and_malformed_names_are_refused(caddy, tenant):
    make_verified(tenant, HOST)
    for garbage in GARBAGE:
        assert ask(caddy, garbage) == 404, garbage


def test_missing_parameter_is_refused(caddy):
    assert caddy.get("/tls/ask").status_code == 404
