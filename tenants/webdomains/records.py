"""The DNS records a firm adds for a custom web domain: the host pointing at the platform
(a CNAME, or A/AAAA records for an apex) and a TXT record holding the claim's token."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from portal.core.dns import DnsRecord
from tenants.hosts import TWO_PART_SUFFIXES
from tenants.models import Domain

CHALLENGE_PREFIX = "_foyer-challenge"


def challenge_name(host: str) -> str:
    return f"{CHALLENGE_PREFIX}.{host}"


def is_apex(host: str) -> bool:
    """A registrable domain: `smithcpa.com`, `smith.co.uk`; these cannot have a CNAME."""
    labels = host.split(".")
    return len(labels) == 2 or (len(labels) == 3 and ".".join(labels[1:]) in TWO_PART_SUFFIXES)


def platform_addresses(config: Mapping[str, Any]) -> list[str]:
    """PLATFORM_ADDRESSES in canonical text form; entries that are not IPs are ignored."""
    addresses = []
    for part in str(config.get("PLATFORM_ADDRESSES") or "").split(","):
        try:
            addresses.append(str(ipaddress.ip_address(part.strip())))
        except ValueError:
            continue
    return addresses


def cname_target(config: Mapping[str, Any]) -> str:
    return str(config["PLATFORM_CNAME_TARGET"]).strip().lower().rstrip(".")


def records_for(domain: Domain, config: Mapping[str, Any]) -> list[DnsRecord]:
    """Exactly what the firm adds at its DNS provider for this claim, pointing records first."""
    if is_apex(domain.host):
        pointing = [
            DnsRecord(
                "AAAA" if ipaddress.ip_address(address).version == 6 else "A",
                domain.host,
                address,
                "pointing",
            )
            for address in platform_addresses(config)
        ]
    else:
        pointing = [DnsRecord("CNAME", domain.host, cname_target(config), "pointing")]
    ownership = DnsRecord(
        "TXT", challenge_name(domain.host), domain.verification_token, "ownership"
    )
    return [*pointing, ownership]
