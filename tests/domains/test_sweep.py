"""Planned re-checks: the sweep starts every due check once, on the schedule the config sets,
from the scheduler in embedded mode and through RQ with Redis."""

from __future__ import annotations

import threading
from datetime import timedelta

from jobs.scheduler import Scheduler
from jobs.tasks import RECURRING
from jobs.web_domains import check_web_domain, sweep_web_domains
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.maildomains.models import MailDomain, MailDomainCheck
from portal.maildomains.service import add_domain as add_mail_domain
from tenants.models import Domain, DomainStatus
from tenants.webdomains.service import claim_scheduled_check
from tests.domains.conftest import HOST, publish

OTHER_HOST = "portal.jonesllp.example"


def reload(domain: Domain) -> Domain:
    db.session.expire_all()
    return db.session.get(Domain, domain.id)


def plan(domain: Domain, seconds_from_now: float) -> str:
    """Set the domain's next check; returns the `due` value a planned run carries."""
    domain = reload(domain)
    domain.next_check_at = utcnow() + timedelta(seconds=seconds_from_now)
    db.session.commit()
    return reload(domain).next_check_at.isoformat()


def test_sweep_rechecks_a_due_domain_and_skips_one_not_due(claim, dns):
    due, later = claim(), claim(OTHER_HOST)
    publish(dns, due)
    publish(dns, later)
    plan(due, -5)
    plan(later, 600)
    assert sweep_web_domains() == 1
    assert reload(due).status == DomainStatus.VERIFIED
    assert reload(later).last_checked_at is None and reload(later).status == DomainStatus.PENDING
    assert sweep_web_domains() == 0, "the checked domain is planned a day ahead"


def test_pending_delays_and_verified_interval_come_from_the_config(make_app, claim, dns):
    domain = claim()
    custom = make_app(
        DNS_NAMESERVERS=dns.nameservers,
        DNS_TIMEOUT=0.5,
        WEB_DOMAIN_PENDING_CHECK_DELAYS="42,4200",
        WEB_DOMAIN_VERIFIED_CHECK_INTERVAL=7777,
    )
    waits = []
    with custom.app_context():
        for _ in range(3):
            assert check_web_domain(domain.tenant_id, domain.id) == "failed"
            checked = db.session.get(Domain, domain.id)
            waits.append((checked.next_check_at - checked.last_checked_at).total_seconds())
            db.session.rollback()
        publish(dns, domain)
        assert check_web_domain(domain.tenant_id, domain.id) == "ok"
        checked = db.session.get(Domain, domain.id)
        waits.append((checked.next_check_at - checked.last_checked_at).total_seconds())
    assert waits == [42, 4200, 4200, 7777]


def test_a_planned_check_started_twice_at_once_runs_once(app, claim, dns):
    """The sweep and the delayed job may start the same plan together: one of them checks."""
    domain = claim()
    due = plan(domain, -1)
    dns.timeout(f"_foyer-challenge.{HOST}")  # each check waits out the DNS timeout
    results: list[str] = []

    def run() -> None:
        with app.app_context():
            results.append(check_web_domain(domain.tenant_id, domain.id, due))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["superseded", "temporary"]
    assert reload(domain).failed_checks == 1


def test_a_claim_is_taken_once_and_only_for_the_current_plan(claim):
    domain = claim()
    due = plan(domain, -1)
    assert not claim_scheduled_check(reload(domain), "2000-01-01T00:00:00")
    assert claim_scheduled_check(reload(domain), due)
    db.session.commit()
    assert not claim_scheduled_check(reload(domain), due)
    assert reload(domain).next_check_at > utcnow(), "leased: not due while it is checked"


def test_the_embedded_scheduler_sweeps_web_and_mail_domains(app, claim, dns, tenant):
    domain = claim()
    publish(dns, domain)
    plan(domain, -5)
    mail = add_mail_domain(tenant, "smithcpa.example", "notifications", "Smith CPA", "")
    db.session.commit()
    mail.next_check_at = utcnow() - timedelta(seconds=5)
    db.session.commit()
    mail_id = mail.id

    started = Scheduler(app, RECURRING).tick()

    assert {"sweep-web-domains", "sweep-mail-domains"} <= set(started)
    assert reload(domain).status == DomainStatus.VERIFIED
    db.session.expire_all()
    assert db.session.get(MailDomain, mail_id).last_checked_at is not None
    history = db.session.query(MailDomainCheck).filter_by(mail_domain_id=mail_id).one()
    assert history.trigger == "scheduled"


def test_on_rq_the_sweep_enqueues_each_due_check_with_its_plan(redis_app, claim):
    domain = claim()
    due = plan(domain, -5)
    started = Scheduler(redis_app, RECURRING).tick()
    assert {"sweep-web-domains", "sweep-mail-domains"} <= set(started)
    assert Scheduler(redis_app, RECURRING).tick() == [], "once per interval, for every worker"
    queue = redis_app.extensions["foyer.queue"]
    assert sweep_web_domains() == 1
    args = [job.args for job in queue.get_jobs() if job.func_name.endswith("check_web_domain")]
    assert args == [(domain.tenant_id, domain.id, due)]
