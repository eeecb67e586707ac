"""What DNS says about one claim: the TXT token, the host pointing at the platform, CAA.

A definite answer decides (OK, or failed with the reason in plain words); a timeout or SERVFAIL
never does: the result is TEMPORARY and the domain keeps its status until the next check.
Nothing here touches the database, so no transaction is held while waiting for DNS.
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import dns.resolver
from dns.rdtypes.ANY.CAA import CAA
from dns.rdtypes.ANY.CNAME import CNAME

from portal.core.dns import lookup, make_resolver, txt_values
from tenants.webdomains.records import challenge_name, cname_target, is_apex, platform_addresses


class Verdict(enum.StrEnum):
    OK = "ok"
    FAILED = "failed"
    TEMPORARY = "temporary"


@dataclass(frozen=True, slots=True)
class DomainFacts:
    """What the checks need, copied out of the row."""

    host: str
    token: str


@dataclass(frozen=True, slots=True)
class CheckResult:
    verdict: Verdict
    reason: str = ""


OK = CheckResult(Verdict.OK)


def check_domain(facts: DomainFacts, config: Mapping[str, Any]) -> CheckResult:
    """The first check that is not OK decides; all OK means the platform may serve the host."""
    try:
        resolver = make_resolver(config)
    except dns.resolver.NoResolverConfiguration:
        return CheckResult(Verdict.TEMPORARY, "No DNS resolver is configured; retrying.")
    result = check_token(resolver, facts)
    if result.verdict is Verdict.OK:
        result = check_pointing(resolver, facts.host, config)
    if result.verdict is Verdict.OK:
        result = check_caa(resolver, facts.host, config)
    return result


def _temporary(name: str, rdtype: str) -> CheckResult:
    return CheckResult(Verdict.TEMPORARY, f"DNS did not answer for {name} ({rdtype}); retrying.")


def check_token(resolver: dns.resolver.Resolver, facts: DomainFacts) -> CheckResult:
    name = challenge_name(facts.host)
    found = lookup(resolver, name, "TXT")
    if found.temporary:
        return _temporary(name, "TXT")
    if found.missing:
        return CheckResult(Verdict.FAILED, f"Record missing: no TXT record at {name}.")
    if facts.token not in txt_values(found):
        return CheckResult(
            Verdict.FAILED,
            f"Wrong token: the TXT record at {name} does not hold this claim's token.",
        )
    return OK


def check_pointing(
    resolver: dns.resolver.Resolver, host: str, config: Mapping[str, Any]
) -> CheckResult:
    """A subdomain's CNAME must name the platform's target; else its addresses must be ours."""
    target = cname_target(config)
    if not is_apex(host):
        cname = lookup(resolver, host, "CNAME")
        if cname.temporary:
            return _temporary(host, "CNAME")
        if cname.found:
            points_to = cname.of_type(CNAME)[0].target.to_text().rstrip(".").lower()
            if points_to == target:
                return OK
            return CheckResult(
                Verdict.FAILED,
                f"Points elsewhere: {host} is a CNAME to {points_to}, not {target}.",
            )
    found: set[str] = set()
    for rdtype in ("A", "AAAA"):
        result = lookup(resolver, host, rdtype)
        if result.temporary:
            return _temporary(host, rdtype)
        found |= {str(ipaddress.ip_address(record.to_text())) for record in result.records}
    if not found:
        wanted = f"a CNAME record to {target}" if not is_apex(host) else "A records"
        return CheckResult(Verdict.FAILED, f"Record missing: {host} has no {wanted}.")
    addresses = set(platform_addresses(config))
    if addresses and found <= addresses:
        return OK
    where = ", ".join(sorted(found))
    return CheckResult(Verdict.FAILED, f"Points elsewhere: {host} resolves to {where}.")


def check_caa(resolver: dns.resolver.Resolver, host: str, config: Mapping[str, Any]) -> CheckResult:
    """RFC 8659: the closest name (the host, then its parents) with CAA records decides."""
    ca = str(config.get("PLATFORM_CA_DOMAIN") or "").strip().lower()
    if not ca:
        return OK
    labels = host.split(".")
    for index in range(len(labels) - 1):
        name = ".".join(labels[index:])
        result = lookup(resolver, name, "CAA")
        if result.temporary:
            return _temporary(name, "CAA")
        if not result.found:
            continue
        issuers = [
            record.value.decode("utf-8", "replace").split(";")[0].strip().lower()
            for record in result.of_type(CAA)
            if record.tag.decode("ascii", "replace").lower() == "issue"
        ]
        if issuers and ca not in issuers:
            return CheckResult(
                Verdict.FAILED,
                f"CAA forbids: the CAA records of {name} do not allow {ca} to issue certificates.",
            )
        return OK
    return OK
