"""Sending-domain checks: on "Verify now", then planned by the service (back-off while pending,
daily once verified) and started by a delayed RQ job or the sweep.

A planned run carries the `due` time it was planned for and claims it before looking at DNS;
a run whose plan was replaced (a manual check) or already taken (the sweep and the delayed job
start the same plan) does nothing, so chains never multiply.
"""

from __future__ import annotations

import logging

import dns.resolver
from flask import current_app

from jobs.context import job
from jobs.queue import enqueue
from portal.clients.notify import notify_managers
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.maildomains.checks import check_domain
from portal.maildomains.models import MailDomain, MailDomainStatus
from portal.maildomains.service import (
    broken_records,
    claim_scheduled_check,
    due_checks,
    facts_of,
    record_check,
)
from tenants.resolution import snapshot_by_id
from tenants.scoping import get_owned

log = logging.getLogger(__name__)


@job
def check_mail_domain(tenant_id: int, mail_domain_id: int, due: str | None = None) -> str:
    """Check every record of one domain and store the outcome; safe to run twice."""
    row = get_owned(MailDomain, tenant_id, mail_domain_id)
    if row is None:
        return "gone"
    if due is not None and not claim_scheduled_check(row, due):
        return "superseded"
    facts = facts_of(row)
    db.session.commit()  # keep the claim; hold no transaction open while waiting for DNS
    try:
        result = check_domain(facts, current_app.config)
    except dns.resolver.NoResolverConfiguration:
        log.warning("mail domain %s: no DNS resolver configured", mail_domain_id)
        return "unknown"
    row = get_owned(MailDomain, tenant_id, mail_domain_id)
    if row is None or row.selector != facts.selector:
        return "gone"
    previous, status = record_check(row, result, "manual" if due is None else "scheduled")
    broke = previous == MailDomainStatus.VERIFIED and status == MailDomainStatus.FAILING
    tenant = snapshot_by_id(tenant_id) if broke else None
    if tenant is not None:  # mail falls back to the platform sender: the managers are told, once
        notify_managers(
            tenant, "mail_domain_broken", mail_domain=row.domain, problems=broken_records(result)
        )
    db.session.commit()
    log.info("mail domain %s checked: %s -> %s", mail_domain_id, previous, status)
    _enqueue_next(row)
    return str(status)


@job
def sweep_mail_domains() -> int:
    """Start every check that is due (recurring, DOMAIN_SWEEP_INTERVAL): the only re-checks
    without Redis, and on RQ a safety net for delayed jobs lost with Redis's data."""
    if not current_app.config["MAIL_DOMAIN_AUTO_RECHECK"]:
        return 0
    due = due_checks()
    db.session.rollback()
    for tenant_id, mail_domain_id, planned in due:
        enqueue(check_mail_domain, tenant_id, mail_domain_id, planned)
    return len(due)


def _enqueue_next(row: MailDomain) -> None:
    """On RQ the next check waits as a delayed job, on time to the second; without Redis
    (no timers in the web process) the embedded sweep starts it."""
    if (
        current_app.extensions["foyer.queue"] is None
        or not current_app.config["MAIL_DOMAIN_AUTO_RECHECK"]
        or row.next_check_at is None
    ):
        return
    delay = max(1.0, (row.next_check_at - utcnow()).total_seconds())
    planned = row.next_check_at.isoformat()
    enqueue(check_mail_domain, row.tenant_id, row.id, planned, delay=delay)
