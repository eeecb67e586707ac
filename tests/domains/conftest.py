"""Domain tests talk to the loopback DNS server; a short timeout keeps timeout cases fast."""

from __future__ import annotations

from typing import Any

import pytest

from portal.core.extensions import db
from tenants.models import Domain, DomainStatus
from tenants.resolution import forget_tenants
from tenants.webdomains.service import claim_domain

PLATFORM_IPV4 = "203.0.113.10"
PLATFORM_IPV6 = "2001:db8::10"
CNAME_TARGET = "domains.foyer.example"
HOST = "portal.smithcpa.example"


@pytest.fixture
def app_config(app_config: dict[str, Any], dns) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        **app_config,
        "DNS_NAMESERVERS": dns.nameservers,
        "DNS_TIMEOUT": 0.5,
        "PLATFORM_ADDRESSES": f"{PLATFORM_IPV4},{PLATFORM_IPV6}",
        # Checks here are the definite answers after the grace periods; tests of the grace
        # periods themselves set them.
        "WEB_DOMAIN_GRACE_SECONDS": 0,
        "WEB_DOMAIN_BREAK_AFTER_FAILURES": 1,  # a verified domain breaks at the first failure
        "WEB_DOMAIN_BREAK_GRACE_SECONDS": 0,  # (test_dns_checks.py tests the real pace)
    }


@pytest.fixture
def claim(tenant):  # type: ignore[no-untyped-def]
    """Claim a host for a tenant (default: the `tenant` fixture) through the service."""

    def make(host: str = HOST, owner: Any = None) -> Domain:
        domain = claim_domain(owner or tenant, host)
        db.session.commit()
        return domain

    return make


def publish(dns, domain: Domain, target: str = CNAME_TARGET, token: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """The records a firm adds at its DNS provider."""
    dns.add(domain.host, "CNAME", f"{target}.")
    dns.add(f"_foyer-challenge.{domain.host}", "TXT", token or domain.verification_token)


def make_verified(tenant, host: str) -> Domain:  # type: ignore[no-untyped-def]
    domain = Domain(tenant_id=tenant.id, host=host, status=DomainStatus.VERIFIED)
    db.session.add(domain)
    db.session.commit()
    forget_tenants()
    return domain
