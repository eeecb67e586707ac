"""Planned re-checks of sending domains: the sweep starts every due check, each plan runs once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from jobs.mail_domains import check_mail_domain, sweep_mail_domains
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.maildomains.models import MailDomain, MailDomainCheck
from portal.maildomains.service import add_domain
from tests.maildomains.conftest import DOMAIN


@pytest.fixture
def rechecking(app, make_app):  # type: ignore[no-untyped-def]
    """The test app with automatic re-checks on (the suite turns them off)."""
    enabled = make_app(MAIL_DOMAIN_AUTO_RECHECK=True)
    with enabled.app_context():
        yield enabled


def planned(tenant, domain: str = DOMAIN, seconds_from_now: float = -5) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """A sending domain whose next check is planned for then; returns (id, due)."""
    row = add_domain(tenant, domain, "notifications", "Smith CPA", "")
    db.session.commit()
    row.next_check_at = (utcnow() + timedelta(seconds=seconds_from_now)).replace(microsecond=0)
    db.session.commit()
    return row.id, row.next_check_at.isoformat()


def history(mail_domain_id: int) -> list[MailDomainCheck]:
    db.session.expire_all()
    return db.session.query(MailDomainCheck).filter_by(mail_domain_id=mail_domain_id).all()


def test_sweep_rechecks_a_due_domain_and_skips_one_not_due(rechecking, tenant, make_tenant):
    due_id, _ = planned(tenant)
    later_id, _ = planned(make_tenant(), "jonesllp.example", seconds_from_now=600)
    assert sweep_mail_domains() == 1
    assert [check.trigger for check in history(due_id)] == ["scheduled"]
    assert history(later_id) == []
    assert db.session.get(MailDomain, later_id).last_checked_at is None
    assert sweep_mail_domains() == 0, "the checked domain is planned ahead"


def test_no_sweep_when_automatic_checks_are_off(app, tenant):
    mail_domain_id, _ = planned(tenant)
    assert sweep_mail_domains() == 0
    assert history(mail_domain_id) == []


def test_a_planned_check_started_twice_at_once_runs_once(rechecking, tenant, dns):
    """The sweep and the delayed job may start the same plan together: one of them checks."""
    mail_domain_id, due = planned(tenant)
    dns.timeout(f"_foyer-verify.{DOMAIN}")  # each check waits out the DNS timeout
    results: list[str] = []

    def run() -> None:
        with rechecking.app_context():
            results.append(check_mail_domain(tenant.id, mail_domain_id, due))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["pending", "superseded"]
    assert len(history(mail_domain_id)) == 1
    assert db.session.get(MailDomain, mail_domain_id).pending_checks == 1
