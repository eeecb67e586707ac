"""Custom web domains: claiming a host name, the DNS records a firm adds, and status changes.

A claim proves nothing: the domain is served (and gets a certificate) only once the DNS check in
jobs/web_domains.py finds this claim's TXT token and the host pointing at the platform.
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.hosts import normalize_host
from tenants.models import Domain, DomainStatus, Tenant
from tenants.resolution import platform_host_for

CHALLENGE_PREFIX = "_foyer-challenge"
CHECK_WINDOW = timedelta(days=7)
MAX_DOMAINS_PER_TENANT = 20
# Public suffixes made of two labels that are common enough to get wrong; the public suffix
# list is the real answer, this keeps `portal.smith.co.uk` a subdomain and `smith.co.uk` an apex.
TWO_PART_SUFFIXES = frozenset(
    {
        "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "ac.uk", "gov.uk", "net.uk",
        "com.au", "net.au", "org.au", "id.au", "co.nz", "org.nz", "net.nz",
        "co.jp", "ne.jp", "or.jp", "co.za", "org.za", "com.br", "com.mx", "com.ar",
        "co.in", "net.in", "org.in", "com.sg", "com.hk", "com.cn", "com.tr", "co.il",
        "co.kr", "com.tw", "com.my", "com.ph", "co.id",
    }
)  # fmt: skip


class DomainError(ValueError):
    """A claim that cannot be accepted; the message is shown to firm staff as is."""


@dataclass(frozen=True, slots=True)
class DnsRecord:
    type: str
    name: str
    value: str


def challenge_name(host: str) -> str:
    return f"{CHALLENGE_PREFIX}.{host}"


def is_apex(host: str) -> bool:
    """A registrable domain: `smithcpa.com`, `smith.co.uk`; these cannot have a CNAME."""
    labels = host.split(".")
    return len(labels) == 2 or (len(labels) == 3 and ".".join(labels[1:]) in TWO_PART_SUFFIXES)


def platform_addresses() -> list[str]:
    """PLATFORM_ADDRESSES in canonical text form; entries that are not IPs are ignored."""
    raw = str(current_app.config.get("PLATFORM_ADDRESSES") or "")
    addresses = []
    for part in raw.split(","):
        try:
            addresses.append(str(ipaddress.ip_address(part.strip())))
        except ValueError:
            continue
    return addresses


def cname_target() -> str:
    return current_app.config["PLATFORM_CNAME_TARGET"].strip().lower().rstrip(".")


def records_for(domain: Domain) -> list[DnsRecord]:
    """Exactly what the firm adds at its DNS provider for this claim."""
    records = [DnsRecord("TXT", challenge_name(domain.host), domain.verification_token)]
    if is_apex(domain.host):
        for address in platform_addresses():
            kind = "AAAA" if ipaddress.ip_address(address).version == 6 else "A"
            records.insert(0, DnsRecord(kind, domain.host, address))
    else:
        records.insert(0, DnsRecord("CNAME", domain.host, cname_target()))
    return records


def parse_claim(raw: str | None) -> str:
    """The normalised host name of a claim, or DomainError saying why it cannot be used."""
    text = (raw or "").strip()
    for prefix in ("https://", "http://"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    text = text.rstrip("/")
    if not text:
        raise DomainError("Enter a domain name, for example portal.yourfirm.com.")
    if "*" in text:
        raise DomainError("Wildcard domains cannot be added; add each host name on its own.")
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        pass
    else:
        raise DomainError("Enter a domain name, not an IP address.")
    if ":" in text:
        raise DomainError("Enter the domain name without a port.")
    host = normalize_host(text)
    if host is None:
        raise DomainError(
            f"{text} is not a valid domain name: use letters, digits and hyphens between dots."
        )
    if "." not in host or host in TWO_PART_SUFFIXES:
        raise DomainError(f"{host} is a public suffix; enter your own domain under it.")
    platform = current_app.config["PLATFORM_DOMAIN"]
    target = cname_target()
    if host in (platform, target) or host.endswith(f".{platform}") or host.endswith(f".{target}"):
        raise DomainError(f"{host} belongs to the platform and cannot be added.")
    return host


def claim_domain(tenant: Tenant, raw: str | None) -> Domain:
    """Add a pending domain with a fresh ownership token; the caller commits and starts a check."""
    host = parse_claim(raw)
    existing = db.session.scalars(select(Domain).where(Domain.host == host)).all()
    if any(d.tenant_id == tenant.id for d in existing):
        raise DomainError(f"{host} is already in your list.")
    if any(d.status == DomainStatus.VERIFIED for d in existing):
        raise DomainError(
            f"{host} is already connected to another portal on this platform. If it is yours, "
            "remove it there first, or contact support."
        )
    count = db.session.scalar(
        select(db.func.count()).select_from(Domain).where(Domain.tenant_id == tenant.id)
    )
    if count >= MAX_DOMAINS_PER_TENANT:
        raise DomainError(f"A portal can have at most {MAX_DOMAINS_PER_TENANT} domains.")
    now = utcnow()
    domain = Domain(
        tenant_id=tenant.id,
        host=host,
        status=DomainStatus.PENDING,
        verification_token=f"foyer-{secrets.token_urlsafe(32)}",  # 256 bits, per claim
        next_check_at=now,
        checks_until=now + CHECK_WINDOW,
        failed_checks=0,
    )
    db.session.add(domain)
    return domain


def mark_verified(tenant: Tenant, domain: Domain, now: datetime) -> None:
    if domain.status != DomainStatus.VERIFIED:
        domain.verified_at = now
    domain.status = DomainStatus.VERIFIED
    domain.check_error = None
    domain.failed_checks = 0
    domain.checks_until = None


def mark_failed(tenant: Tenant, domain: Domain, reason: str, now: datetime) -> bool:
    """Stop serving the domain; True when it was verified until now (the firm is told)."""
    was_verified = domain.status == DomainStatus.VERIFIED
    domain.status = DomainStatus.FAILED
    domain.check_error = reason[:300]
    if was_verified:
        domain.checks_until = now + CHECK_WINDOW  # keep looking in case it is fixed
    if tenant.primary_host == domain.host:
        tenant.primary_host = None  # never redirect everyone to a host we no longer serve
    return was_verified


def remove_domain(tenant: Tenant, domain: Domain) -> None:
    """Forget the mapping at once: no more routing and no certificate (caller commits)."""
    if tenant.primary_host == domain.host:
        tenant.primary_host = None
    db.session.delete(domain)


def primary_choices(tenant: Tenant) -> list[str]:
    """The platform subdomain and every verified domain, in that order."""
    verified = db.session.scalars(
        select(Domain.host)
        .where(Domain.tenant_id == tenant.id, Domain.status == DomainStatus.VERIFIED)
        .order_by(Domain.host)
    ).all()
    return [platform_host_for(tenant.slug), *verified]


def choose_primary(tenant: Tenant, host: str | None) -> None:
    """None: no redirects, every served host answers. Otherwise one of `primary_choices`."""
    if host and host not in primary_choices(tenant):
        raise DomainError("Choose the platform address or a verified domain.")
    tenant.primary_host = host or None
