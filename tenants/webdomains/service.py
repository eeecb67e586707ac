"""Custom web domains: claiming a host name, removing it, the primary host, and what a DNS
check's result does to a domain (its status, the back-off, the next check).

A claim proves nothing: the domain is served (and gets a certificate) only once a check
(`checks.py`, run by the `check_web_domain` job) finds this claim's TXT token and the host
pointing at the platform. Callers commit.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from portal.core.database import utcnow
from portal.core.dns import backoff_delay
from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.check_plans import claim_check
from tenants.check_plans import due_checks as planned_due_checks
from tenants.hosts import BadDomainName, NameProblem, parse_domain_name
from tenants.models import Domain, DomainStatus, Tenant
from tenants.resolution import platform_host_for
from tenants.scoping import owned, tenant_id_of
from tenants.snapshot import TenantSnapshot
from tenants.webdomains.checks import CheckResult, DomainFacts, Verdict
from tenants.webdomains.records import cname_target

CHECK_WINDOW = timedelta(days=7)
MANUAL_COOLDOWN = timedelta(seconds=60)
MAX_DOMAINS_PER_TENANT = 20
_NAME_MESSAGES = {
    NameProblem.EMPTY: "Enter a domain name, for example portal.yourfirm.com.",
    NameProblem.TOO_LONG: "That domain is too long (253 characters at most).",
    NameProblem.WILDCARD: "Wildcard domains cannot be added; add each host name on its own.",
    NameProblem.IP_ADDRESS: "Enter a domain name, not an IP address.",
    NameProblem.PORT: "Enter the domain name without a port.",
    NameProblem.INVALID: (
        "{name} is not a valid domain name: use letters, digits and hyphens between dots."
    ),
    NameProblem.PUBLIC_SUFFIX: "{name} is a public suffix; enter your own domain under it.",
    NameProblem.RESERVED: "{name} belongs to the platform and cannot be added.",
}


def claim_domain(tenant: TenantSnapshot | int, raw: str | None) -> Domain:
    """Add a pending domain with a fresh ownership token, due for a check at once."""
    tenant_id = tenant_id_of(tenant)
    config = current_app.config
    try:
        host = parse_domain_name(raw, reserved=(config["PLATFORM_DOMAIN"], cname_target(config)))
    except BadDomainName as exc:
        raise UserError(_NAME_MESSAGES[exc.problem].format(name=exc.name), field="host") from None
    existing = db.session.scalars(select(Domain).where(Domain.host == host)).all()
    if any(domain.tenant_id == tenant_id for domain in existing):
        raise UserError(f"{host} is already in your list.", field="host")
    if any(domain.status == DomainStatus.VERIFIED for domain in existing):
        raise UserError(
            f"{host} is already connected to another portal on this platform. If it is yours, "
            "remove it there first, or contact support.",
            field="host",
        )
    if len(tenant_domains(tenant_id)) >= MAX_DOMAINS_PER_TENANT:
        raise UserError(f"A portal can have at most {MAX_DOMAINS_PER_TENANT} domains.", "host")
    now = utcnow()
    domain = Domain(
        tenant_id=tenant_id,
        host=host,
        status=DomainStatus.PENDING,
        verification_token=f"foyer-{secrets.token_urlsafe(32)}",  # 256 bits, per claim
        next_check_at=now,
        checks_until=now + CHECK_WINDOW,
        failed_checks=0,
    )
    db.session.add(domain)
    return domain


def tenant_domains(tenant: TenantSnapshot | int) -> list[Domain]:
    return list(db.session.scalars(owned(Domain, tenant).order_by(Domain.created_at, Domain.id)))


def remove_domain(domain: Domain) -> None:
    """Forget the mapping at once: no more routing and no certificate."""
    if domain.tenant.primary_host == domain.host:
        domain.tenant.primary_host = None
    db.session.delete(domain)


def primary_choices(tenant: TenantSnapshot) -> list[str]:
    """The platform subdomain and every verified domain, in that order."""
    verified = db.session.scalars(
        owned(Domain, tenant, Domain.status == DomainStatus.VERIFIED).order_by(Domain.host)
    )
    return [platform_host_for(tenant.slug), *(domain.host for domain in verified)]


def choose_primary(tenant: TenantSnapshot, host: str | None) -> None:
    """None: no redirects, every served host answers. Otherwise one of `primary_choices`."""
    if host and host not in primary_choices(tenant):
        raise UserError("Choose the platform address or a verified domain.", "primary_host")
    row = db.session.get(Tenant, tenant.id)
    if row is not None:
        row.primary_host = host or None


def request_manual_check(domain: Domain) -> int:
    """Seconds to wait before "Check now" may run again; 0: it may, and the request is noted."""
    now = utcnow()
    if domain.check_requested_at is not None:
        left = (domain.check_requested_at + MANUAL_COOLDOWN - now).total_seconds()
        if left > 0:
            return int(left) + 1
    domain.check_requested_at = now
    return 0


def facts_of(domain: Domain) -> DomainFacts:
    return DomainFacts(domain.host, domain.verification_token)


def claim_scheduled_check(domain: Domain, due: str) -> bool:
    """Take the check planned for `due` (see `tenants.check_plans.claim_check`)."""
    return claim_check(Domain, domain.id, due)


def record_check(domain: Domain, result: CheckResult) -> CheckResult:
    """Store what a check found and plan the next one; returns the result as recorded (correct
    records do not win a host another tenant has verified)."""
    now = utcnow()
    if result.verdict is Verdict.OK and _verified_elsewhere(domain):
        result = CheckResult(
            Verdict.FAILED, "Already connected to another portal on this platform."
        )
    if result.verdict is Verdict.OK:
        if domain.status != DomainStatus.VERIFIED:
            domain.verified_at = now
        domain.status = DomainStatus.VERIFIED
        domain.check_error = None
        domain.failed_checks = 0
        domain.checks_until = None
    elif result.verdict is Verdict.FAILED:
        domain.failed_checks += 1
        if domain.status == DomainStatus.VERIFIED and not _broken_for_good(domain, now):
            domain.check_error = result.reason[:300]  # still served; checked again soon
        elif domain.status == DomainStatus.PENDING and in_grace_period(domain, now):
            domain.check_error = result.reason[:300]  # not yet: DNS changes take a while
        else:
            _mark_failed(domain, result.reason, now)
    else:  # temporary: the status stands, the reason is shown until the next answer
        domain.check_error = result.reason[:300]
        if domain.status != DomainStatus.VERIFIED:  # a verified domain counts definite answers
            domain.failed_checks += 1
    domain.last_checked_at = now
    domain.next_check_at = _plan(domain, now)
    return result


def in_grace_period(domain: Domain, now: datetime | None = None) -> bool:
    """A domain added less than WEB_DOMAIN_GRACE_SECONDS ago: the firm may still be adding its
    records, so a check that does not find them leaves it pending (not "Not working")."""
    grace = timedelta(seconds=float(current_app.config["WEB_DOMAIN_GRACE_SECONDS"]))
    created = domain.created_at or utcnow()
    return (now or utcnow()) < created + grace


def _broken_for_good(domain: Domain, now: datetime) -> bool:
    """A verified domain stops being served only after WEB_DOMAIN_BREAK_AFTER_FAILURES definite
    failures in a row spanning WEB_DOMAIN_BREAK_GRACE_SECONDS (a DNS change in progress, a
    provider's hiccup); meanwhile it is re-checked on the pending back-off. While verified,
    `checks_until` holds the end of that grace period (None: no failure since the last OK)."""
    config = current_app.config
    if domain.checks_until is None:
        grace = timedelta(seconds=float(config["WEB_DOMAIN_BREAK_GRACE_SECONDS"]))
        domain.checks_until = now + grace
    enough = domain.failed_checks >= int(config["WEB_DOMAIN_BREAK_AFTER_FAILURES"])
    return enough and now >= domain.checks_until


def _mark_failed(domain: Domain, reason: str, now: datetime) -> None:
    """Stop serving the domain, and never redirect everyone to a host we no longer serve."""
    if domain.status == DomainStatus.VERIFIED:
        domain.checks_until = now + CHECK_WINDOW  # keep looking in case it is fixed
    domain.status = DomainStatus.FAILED
    domain.check_error = reason[:300]
    if domain.tenant.primary_host == domain.host:
        domain.tenant.primary_host = None


def _verified_elsewhere(domain: Domain) -> bool:
    other = select(Domain.id).where(
        Domain.host == domain.host,
        Domain.status == DomainStatus.VERIFIED,
        Domain.tenant_id != domain.tenant_id,
    )
    return db.session.scalar(other) is not None


def _plan(domain: Domain, now: datetime) -> datetime | None:
    """When to look again: daily once verified, with back-off within the 7-day window."""
    if domain.status != DomainStatus.VERIFIED and (
        domain.checks_until is None or now >= domain.checks_until
    ):
        if domain.status == DomainStatus.PENDING:  # a week of temporary failures: give up
            domain.status = DomainStatus.FAILED
            domain.check_error = domain.check_error or "DNS never answered; gave up."
        return None
    return now + timedelta(seconds=next_check_delay(domain))


def next_check_delay(domain: Domain) -> int:
    """Seconds until the next check: WEB_DOMAIN_VERIFIED_CHECK_INTERVAL once verified, else
    (and for a verified domain whose last definite answer failed)
    WEB_DOMAIN_PENDING_CHECK_DELAYS, one step further after each failed check."""
    config = current_app.config
    if domain.status == DomainStatus.VERIFIED and domain.checks_until is None:
        return int(config["WEB_DOMAIN_VERIFIED_CHECK_INTERVAL"])
    return backoff_delay(config["WEB_DOMAIN_PENDING_CHECK_DELAYS"], domain.failed_checks - 1)


def due_checks(now: datetime | None = None) -> list[tuple[int, int, str]]:
    """The Domain rows whose next check is due (see `tenants.check_plans.due_checks`)."""
    return planned_due_checks(Domain, now)
