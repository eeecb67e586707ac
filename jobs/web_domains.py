"""Check a custom web domain's DNS: ownership token, pointing at the platform, CAA.

A definite answer from DNS decides (verified, or failed with the reason in plain words); a
timeout or SERVFAIL never does: the domain keeps its status and the check is retried.
"""

from __future__ import annotations

import enum
import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import dns.resolver
from flask import current_app
from sqlalchemy import select

from jobs.context import job
from jobs.dns import lookup, make_resolver, txt_value
from jobs.queue import enqueue
from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.domains import (
    challenge_name,
    cname_target,
    is_apex,
    mark_failed,
    mark_verified,
    platform_addresses,
)
from tenants.models import Domain, DomainStatus, Tenant

log = logging.getLogger(__name__)
# Seconds until the next check while a domain is not verified: minutes first, then hourly.
PENDING_DELAYS = (60, 180, 600, 1800)
HOURLY = 3600
VERIFIED_INTERVAL = 24 * 3600


class Verdict(enum.StrEnum):
    OK = "ok"
    FAILED = "failed"
    TEMPORARY = "temporary"


@dataclass(frozen=True, slots=True)
class Result:
    verdict: Verdict
    reason: str = ""


def _temporary(name: str, rdtype: str) -> Result:
    return Result(Verdict.TEMPORARY, f"DNS did not answer for {name} ({rdtype}); retrying.")


def inspect(resolver: dns.resolver.Resolver, host: str, token: str) -> Result:
    """What DNS says about one claim, without touching the database."""
    for check in (_check_token, _check_pointing, _check_caa):
        result = check(resolver, host, token)
        if result.verdict is not Verdict.OK:
            return result
    return Result(Verdict.OK)


def _check_token(resolver: dns.resolver.Resolver, host: str, token: str) -> Result:
    name = challenge_name(host)
    found = lookup(resolver, name, "TXT")
    if found.temporary:
        return _temporary(name, "TXT")
    if found.missing:
        return Result(Verdict.FAILED, f"Record missing: no TXT record at {name}.")
    if token not in {txt_value(record) for record in found.records}:
        return Result(
            Verdict.FAILED,
            f"Wrong token: the TXT record at {name} does not hold this claim's token.",
        )
    return Result(Verdict.OK)


def _check_pointing(resolver: dns.resolver.Resolver, host: str, _token: str) -> Result:
    addresses = set(platform_addresses())
    if not is_apex(host):
        cname = lookup(resolver, host, "CNAME")
        if cname.temporary:
            return _temporary(host, "CNAME")
        if cname.found:
            target = cname.records[0].target.to_text().rstrip(".").lower()  # type: ignore[attr-defined]
            if target == cname_target():
                return Result(Verdict.OK)
            return Result(
                Verdict.FAILED,
                f"Points elsewhere: {host} is a CNAME to {target}, not {cname_target()}.",
            )
    found: set[str] = set()
    for rdtype in ("A", "AAAA"):
        result = lookup(resolver, host, rdtype)
        if result.temporary:
            return _temporary(host, rdtype)
        found |= {str(ipaddress.ip_address(record.to_text())) for record in result.records}
    if not found:
        wanted = f"a CNAME record to {cname_target()}" if not is_apex(host) else "A records"
        return Result(Verdict.FAILED, f"Record missing: {host} has no {wanted}.")
    if addresses and found <= addresses:
        return Result(Verdict.OK)
    where = ", ".join(sorted(found))
    return Result(Verdict.FAILED, f"Points elsewhere: {host} resolves to {where}.")


def _check_caa(resolver: dns.resolver.Resolver, host: str, _token: str) -> Result:
    """RFC 8659: the closest name (the host, then its parents) with CAA records decides."""
    ca = str(current_app.config.get("PLATFORM_CA_DOMAIN") or "").strip().lower()
    if not ca:
        return Result(Verdict.OK)
    labels = host.split(".")
    for index in range(len(labels) - 1):
        name = ".".join(labels[index:])
        result = lookup(resolver, name, "CAA")
        if result.temporary:
            return _temporary(name, "CAA")
        if not result.found:
            continue
        issuers = [
            record.value.decode("utf-8", "replace").split(";")[0].strip().lower()  # type: ignore[attr-defined]
            for record in result.records
            if record.tag.decode("ascii", "replace").lower() == "issue"  # type: ignore[attr-defined]
        ]
        if issuers and ca not in issuers:
            return Result(
                Verdict.FAILED,
                f"CAA forbids: the CAA records of {name} do not allow {ca} to issue certificates.",
            )
        return Result(Verdict.OK)
    return Result(Verdict.OK)


def next_delay(status: str, failed_checks: int) -> int:
    if status == DomainStatus.VERIFIED:
        return VERIFIED_INTERVAL
    return PENDING_DELAYS[failed_checks] if failed_checks < len(PENDING_DELAYS) else HOURLY


@job
def check_web_domain(tenant_id: int, domain_id: int, scheduled_for: str | None = None) -> str:
    """Check one domain and schedule the next check. Scheduled runs carry the time they were
    planned for; a run whose plan was replaced (by "Check now") does nothing."""
    domain = _load(tenant_id, domain_id)
    if domain is None:
        return "gone"
    if scheduled_for is not None and (
        domain.next_check_at is None or domain.next_check_at.isoformat() != scheduled_for
    ):
        return "superseded"
    host, token = domain.host, domain.verification_token
    db.session.rollback()  # hold no transaction open while waiting for DNS
    try:
        result = inspect(make_resolver(current_app.config), host, token)
    except dns.resolver.NoResolverConfiguration:
        result = Result(Verdict.TEMPORARY, "No DNS resolver is configured; retrying.")
    domain = _load(tenant_id, domain_id)
    if domain is None or domain.host != host or domain.verification_token != token:
        return "gone"
    return _record(domain, result)


def _load(tenant_id: int, domain_id: int) -> Domain | None:
    return db.session.scalar(
        select(Domain).where(Domain.tenant_id == tenant_id, Domain.id == domain_id)
    )


def _record(domain: Domain, result: Result) -> str:
    now = utcnow()
    tenant = db.session.get(Tenant, domain.tenant_id)
    before = domain.status
    if result.verdict is Verdict.OK and _verified_elsewhere(domain):
        result = Result(Verdict.FAILED, "Already connected to another portal on this platform.")
    broke = False
    if result.verdict is Verdict.OK:
        mark_verified(tenant, domain, now)
    elif result.verdict is Verdict.FAILED:
        broke = mark_failed(tenant, domain, result.reason, now)
        domain.failed_checks += 1
    else:
        domain.check_error = result.reason[:300]
        domain.failed_checks += 1
    domain.last_checked_at = now
    domain.next_check_at = _plan(domain, now)
    if broke:
        from portal.clients.notify import notify_managers

        notify_managers(tenant, "domain_broken", domain=domain, reason=result.reason)
    db.session.commit()
    if domain.status != before:
        log.info("domain %s of tenant %s: %s -> %s", domain.host, tenant.id, before, domain.status)
    if domain.next_check_at is not None:
        _schedule(domain, now)
    return result.verdict.value


def _verified_elsewhere(domain: Domain) -> bool:
    return (
        db.session.scalar(
            select(Domain.id).where(
                Domain.host == domain.host,
                Domain.status == DomainStatus.VERIFIED,
                Domain.tenant_id != domain.tenant_id,
            )
        )
        is not None
    )


def _plan(domain: Domain, now: datetime) -> datetime | None:
    """When to look again: daily once verified, with back-off within the 7-day window."""
    if domain.status != DomainStatus.VERIFIED and (
        domain.checks_until is None or now >= domain.checks_until
    ):
        if domain.status == DomainStatus.PENDING:  # a week of temporary failures: give up
            domain.status = DomainStatus.FAILED
            domain.check_error = domain.check_error or "DNS never answered; gave up."
        return None
    delay = next_delay(domain.status, max(0, domain.failed_checks - 1))
    return now + timedelta(seconds=delay)


def _schedule(domain: Domain, now: datetime) -> None:
    if current_app.extensions.get("foyer.queue") is None:
        return  # embedded mode has no scheduler: checks run when added and on "Check now"
    delay = (domain.next_check_at - now).total_seconds()  # type: ignore[operator]
    enqueue(
        check_web_domain,
        domain.tenant_id,
        domain.id,
        domain.next_check_at.isoformat(),  # type: ignore[union-attr]
        delay=delay,
    )


def due_domains(now: datetime | None = None) -> list[tuple[int, int]]:
    """(tenant_id, domain_id) of every domain whose next check is due; for cron-style sweeps."""
    rows = db.session.execute(
        select(Domain.tenant_id, Domain.id).where(Domain.next_check_at <= (now or utcnow()))
    ).all()
    return [(row[0], row[1]) for row in rows]
