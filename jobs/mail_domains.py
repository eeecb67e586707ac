"""Sending-domain checks: "Verify now", backoff while pending, daily once verified.

A scheduled run carries the `due` time it was scheduled for; when a newer schedule replaced it
(a manual check, a duplicate enqueue) it does nothing, so chains never multiply.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import dns.resolver
from flask import current_app
from sqlalchemy import select

from jobs.context import job
from jobs.queue import enqueue
from portal.clients.notify import notify_managers
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.maildomains.checks import check_domain
from portal.maildomains.models import MailDomain, MailDomainStatus, RecordStatus
from portal.maildomains.service import apply_check, facts_of, next_check_delay
from tenants.models import Tenant

log = logging.getLogger(__name__)


def _load(tenant_id: int, mail_domain_id: int) -> MailDomain | None:
    return db.session.scalar(
        select(MailDomain).where(MailDomain.tenant_id == tenant_id, MailDomain.id == mail_domain_id)
    )


def schedule_check(row: MailDomain, delay: int) -> None:
    """Record the next due time on the row; call `enqueue_scheduled` after the commit."""
    row.next_check_at = utcnow().replace(microsecond=0) + timedelta(seconds=delay)


def enqueue_scheduled(row: MailDomain) -> None:
    if not current_app.config["MAIL_DOMAIN_AUTO_RECHECK"] or row.next_check_at is None:
        return
    delay = max(1.0, (row.next_check_at - utcnow()).total_seconds())
    enqueue(check_mail_domain, row.tenant_id, row.id, row.next_check_at.isoformat(), delay=delay)


@job
def check_mail_domain(tenant_id: int, mail_domain_id: int, due: str | None = None) -> str:
    """Check every record of one domain and store the outcome; safe to run twice."""
    row = _load(tenant_id, mail_domain_id)
    if row is None:
        return "gone"
    if due is not None and (row.next_check_at is None or row.next_check_at.isoformat() != due):
        return "superseded"
    facts = facts_of(row)
    db.session.rollback()  # hold no transaction open while waiting for DNS
    try:
        result = check_domain(facts, current_app.config)
    except dns.resolver.NoResolverConfiguration:
        log.warning("mail domain %s: no DNS resolver configured", mail_domain_id)
        return "unknown"
    row = _load(tenant_id, mail_domain_id)
    if row is None or row.selector != facts.selector:
        return "gone"
    previous, status = apply_check(row, result, "manual" if due is None else "scheduled")
    schedule_check(row, next_check_delay(row))
    if previous == MailDomainStatus.VERIFIED and status == MailDomainStatus.FAILING:
        problems = [
            f"{key.upper().replace('_', ' ')}: {check.reason or check.status}"
            for key, check in result.records.items()
            if check.status in (RecordStatus.MISSING, RecordStatus.INVALID)
        ]
        notify_managers(
            db.session.get(Tenant, tenant_id),
            "mail_domain_broken",
            mail_domain=row.domain,
            problems=problems,
        )
    db.session.commit()
    log.info("mail domain %s checked: %s -> %s", mail_domain_id, previous, status)
    enqueue_scheduled(row)
    return str(status)
