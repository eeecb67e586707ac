"""DNS for the domain checks (web domains, sending domains, contacts' mail domains): a resolver
built from configuration, lookups sorted into found, missing or temporary (so that a flaky
resolver is never reported as a misconfigured domain), the record type the dashboards show,
and the back-off between re-checks."""

from __future__ import annotations

import enum
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import dns.exception
import dns.inet
import dns.name
import dns.nameserver
import dns.rdata
import dns.rdatatype
import dns.rdtypes.txtbase
import dns.resolver

R = TypeVar("R", bound=dns.rdata.Rdata)


@dataclass(frozen=True, slots=True)
class DnsRecord:
    """One record a firm publishes at its DNS provider, as the settings pages show it."""

    type: str  # "TXT", "CNAME", "A", "AAAA"
    name: str
    value: str
    purpose: str  # what it proves or does ("ownership", "dkim", ...); names its check status
    note: str = ""  # shown under the value when the firm needs to know more


class Outcome(enum.StrEnum):
    FOUND = "found"
    MISSING = "missing"  # NXDOMAIN, or the name has no records of that type
    TEMPORARY = "temporary"  # timeout, SERVFAIL, no usable server: try again later


@dataclass(frozen=True, slots=True)
class Lookup:
    outcome: Outcome
    records: tuple[dns.rdata.Rdata, ...] = ()
    nxdomain: bool = False
    detail: str = ""

    @property
    def found(self) -> bool:
        return self.outcome is Outcome.FOUND

    @property
    def missing(self) -> bool:
        return self.outcome is Outcome.MISSING

    @property
    def temporary(self) -> bool:
        return self.outcome is Outcome.TEMPORARY

    def of_type(self, kind: type[R]) -> list[R]:
        """The records as dnspython's class for the type looked up (an answer holds no other)."""
        return [record for record in self.records if isinstance(record, kind)]


def parse_nameservers(value: str | Sequence[str]) -> list[dns.nameserver.Do53Nameserver]:
    """`"10.0.0.2, 127.0.0.1:5353, [::1]:53, ::1"` -> nameservers with their ports."""
    items = value.split(",") if isinstance(value, str) else list(value)
    servers = []
    for item in (raw.strip() for raw in items):
        if not item:
            continue
        host, port = _host_and_port(item)
        if not dns.inet.is_address(host):
            raise ValueError(f"DNS_NAMESERVERS: {item!r} is not an IP address with optional port")
        servers.append(dns.nameserver.Do53Nameserver(host, port))
    return servers


def _host_and_port(item: str) -> tuple[str, int]:
    if item.startswith("["):  # [IPv6] or [IPv6]:port
        host, _, rest = item[1:].partition("]")
        port = rest.removeprefix(":") or "53"
    elif item.count(":") == 1:  # IPv4:port
        host, _, port = item.partition(":")
    else:  # IPv4, or a bare IPv6 address
        host, port = item, "53"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"DNS_NAMESERVERS: bad port in {item!r}")
    return host, int(port)


class BudgetResolver(dns.resolver.Resolver):
    """A resolver with a time budget for all its lookups together (one check): once `deadline`
    (time.monotonic) has passed, every lookup times out at once, which `lookup` reports as
    TEMPORARY; before it, no lookup may outlast it."""

    deadline = math.inf

    def resolve(self, qname: dns.name.Name | str, *args: Any, **kwargs: Any) -> dns.resolver.Answer:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise dns.exception.Timeout(timeout=0.0)
        lifetime = kwargs.get("lifetime") or self.lifetime
        kwargs["lifetime"] = min(lifetime, remaining)
        return super().resolve(qname, *args, **kwargs)


def make_resolver(config: Mapping[str, Any]) -> BudgetResolver:
    """DNS_NAMESERVERS when set (tests, split-horizon setups), else the system's resolver.

    Each lookup may take DNS_TIMEOUT seconds, all of them together DNS_CHECK_BUDGET seconds
    from now: make one resolver per check. Raises dns.resolver.NoResolverConfiguration when
    neither is available.
    """
    servers = parse_nameservers(config.get("DNS_NAMESERVERS") or "")
    if servers:
        resolver = BudgetResolver(configure=False)
        resolver.nameservers = servers
    else:
        resolver = BudgetResolver()
    timeout = float(config.get("DNS_TIMEOUT") or 3.0)
    resolver.timeout = timeout
    resolver.lifetime = timeout  # the budget for one lookup, retries included
    resolver.deadline = time.monotonic() + float(config.get("DNS_CHECK_BUDGET") or 20.0)
    return resolver


def lookup(resolver: dns.resolver.Resolver, name: str, rdtype: str) -> Lookup:
    """Resolve one name and type; only a definite answer from DNS is ever MISSING."""
    try:
        qname = dns.name.from_text(name)  # absolute: no search list, whatever resolv.conf says
    except dns.exception.DNSException as exc:
        return Lookup(Outcome.MISSING, detail=f"invalid name: {exc}")
    try:
        answer = resolver.resolve(qname, rdtype, search=False)
    except dns.resolver.NXDOMAIN:
        return Lookup(Outcome.MISSING, nxdomain=True, detail="NXDOMAIN")
    except (dns.resolver.NoAnswer, dns.resolver.YXDOMAIN):
        return Lookup(Outcome.MISSING, detail=f"no {rdtype} records")
    except dns.exception.Timeout:
        return Lookup(Outcome.TEMPORARY, detail="timeout")
    except dns.resolver.NoNameservers as exc:  # SERVFAIL or REFUSED from every server
        return Lookup(Outcome.TEMPORARY, detail=str(exc))
    except (dns.exception.DNSException, OSError) as exc:
        return Lookup(Outcome.TEMPORARY, detail=f"{type(exc).__name__}: {exc}")
    return Lookup(Outcome.FOUND, tuple(answer))


def txt_value(record: dns.rdtypes.txtbase.TXTBase) -> str:
    """A TXT record's strings joined, as SPF, DKIM and DMARC read them (RFC 7208 3.3)."""
    return b"".join(record.strings).decode("utf-8", "replace")


def txt_values(found: Lookup) -> list[str]:
    """`txt_value` of each record a TXT lookup found."""
    return [txt_value(record) for record in found.of_type(dns.rdtypes.txtbase.TXTBase)]


def backoff_delay(schedule: object, attempt: int) -> int:
    """Seconds before re-check `attempt` (0 first) of a domain that is not verified yet.

    `schedule` is a setting such as "60,180,600" (as a FOYER_* variable gives it); the last
    delay repeats, so a domain keeps being checked at that pace.
    """
    delays = [int(part) for part in str(schedule).split(",") if part.strip()]
    return delays[min(max(attempt, 0), len(delays) - 1)]
