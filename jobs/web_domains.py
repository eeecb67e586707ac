"""Custom web domain checks: on adding and "Check now", then planned by the service (back-off
while not verified, daily once verified) and started by a delayed RQ job or the sweep.

A planned run carries the `due` time it was planned for and claims it before looking at DNS;
a run whose plan was replaced ("Check now") or already taken (the sweep and the delayed job
start the same plan) does nothing, so failures are counted once and chains never multiply.
"""

from __future__ import annotations

import logging

from flask import current_app

from jobs.context import job
from jobs.queue import enqueue
from portal.clients.notify import notify_managers
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.webhooks.service import emit
from tenants.models import Domain, DomainStatus
from tenants.resolution import snapshot_by_id
from tenants.scoping import get_owned
from tenants.webdomains.checks import check_domain
from tenants.webdomains.service import claim_scheduled_check, due_checks, facts_of, record_check

log = logging.getLogger(__name__)
# RQ forks a work horse per job that starts cold (~0.5 s of caches and connections): the sweep
# hands over due checks in batches (bench/dns_checks.py: 1,000 domains, two workers).
CHECKS_PER_JOB = 50


@job
def check_web_domain(tenant_id: int, domain_id: int, due: str | None = None) -> str:
    """Check one domain, store the verdict and plan the next check; safe to run twice."""
    domain = get_owned(Domain, tenant_id, domain_id)
    if domain is None:
        return "gone"
    if due is not None and not claim_scheduled_check(domain, due):
        return "superseded"
    facts = facts_of(domain)
    db.session.commit()  # keep the claim; hold no transaction open while waiting for DNS
    result = check_domain(facts, current_app.config)
    domain = get_owned(Domain, tenant_id, domain_id)
    if domain is None or facts_of(domain) != facts:
        return "gone"
    previous = domain.status
    recorded = record_check(domain, result)
    broke = previous == DomainStatus.VERIFIED and domain.status == DomainStatus.FAILED
    tenant = snapshot_by_id(tenant_id) if broke else None
    if tenant is not None:  # it stopped serving: the firm's managers are told, once
        notify_managers(tenant, "domain_broken", domain=domain, reason=recorded.reason)
    if previous != DomainStatus.VERIFIED and domain.status == DomainStatus.VERIFIED:
        emit(tenant_id, "domain.verified", {"domain_id": domain.id, "host": facts.host})
    db.session.commit()
    if domain.status != previous:
        log.info("domain %s of tenant %s: %s -> %s", facts.host, tenant_id, previous, domain.status)
    _enqueue_next(domain)
    return recorded.verdict.value


@job
def sweep_web_domains() -> int:
    """Start every check that is due (recurring, DOMAIN_SWEEP_INTERVAL): the only re-checks
    without Redis, and on RQ a safety net for delayed jobs lost with Redis's data."""
    due = due_checks()
    db.session.rollback()
    enqueue_checks(due)
    return len(due)


def enqueue_checks(due: list[tuple[int, int, str]]) -> None:
    """Queue planned checks (tenant id, domain id, due): a lone one as its own job, more in
    batches of CHECKS_PER_JOB."""
    for start in range(0, len(due), CHECKS_PER_JOB):
        batch = due[start : start + CHECKS_PER_JOB]
        if len(batch) == 1:
            enqueue(check_web_domain, *batch[0])
        else:
            enqueue(check_web_domains, batch)


@job
def check_web_domains(planned: list[tuple[int, int, str]]) -> int:
    """Run several planned checks in one job, each in its own context; one that fails is
    logged and taken again by a later sweep once its claim lapses."""
    for tenant_id, domain_id, due in planned:
        try:
            check_web_domain(tenant_id, domain_id, due)
        except Exception:
            log.exception("check of domain %s (tenant %s) failed", domain_id, tenant_id)
    return len(planned)


def _enqueue_next(domain: Domain) -> None:
    """On RQ the next check waits as a delayed job, on time to the second; without Redis
    (no timers in the web process) the embedded sweep starts it."""
    if current_app.extensions["foyer.queue"] is None or domain.next_check_at is None:
        return
    delay = max(1.0, (domain.next_check_at - utcnow()).total_seconds())
    planned = domain.next_check_at.isoformat()
    enqueue(check_web_domain, domain.tenant_id, domain.id, planned, delay=delay)
