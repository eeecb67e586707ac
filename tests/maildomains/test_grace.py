"""A verified sending domain falls back to the platform sender only after repeated definite
failures over a grace period (MAIL_DOMAIN_BREAK_AFTER_FAILURES, MAIL_DOMAIN_BREAK_GRACE_SECONDS);
the other tests here break it at the first failure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from jobs.mail_domains import check_mail_domain
from portal.core.extensions import db
from portal.maildomains.models import MailDomainCheck
from tests.fixtures.smtp import text_of
from tests.maildomains.conftest import DOMAIN, domain_row, publish


@pytest.fixture
def app_config(app_config):  # type: ignore[no-untyped-def]
    return {
        **app_config,
        "MAIL_DOMAIN_BREAK_AFTER_FAILURES": 3,
        "MAIL_DOMAIN_BREAK_GRACE_SECONDS": 600,
        "MAIL_DOMAIN_PENDING_CHECK_DELAYS": "300,900,1800",
    }


@pytest.fixture
def verified(app, firm, tenant, dns, add_domain):  # type: ignore[no-untyped-def]
    add_domain()
    row = domain_row(tenant.id)
    publish(dns, row, app)
    assert check_mail_domain(tenant.id, row.id) == "verified"
    return row


def _age_history(seconds: int) -> None:
    """Pretend every stored check happened `seconds` earlier."""
    db.session.rollback()
    for check in db.session.scalars(select(MailDomainCheck)):
        check.checked_at -= timedelta(seconds=seconds)
    db.session.commit()


def _break_dkim(dns, row) -> None:  # type: ignore[no-untyped-def]
    dns.remove(f"{row.selector}._domainkey.{DOMAIN}")


def test_one_failure_keeps_the_domain_verified_and_signing(
    app, firm, tenant, staff, dns, smtp, verified, create_client
):
    _break_dkim(dns, verified)
    assert check_mail_domain(tenant.id, verified.id) == "verified"
    row = domain_row(tenant.id)
    assert row.is_verified and row.dkim_status == "missing"
    assert 299 < (row.next_check_at - row.last_checked_at).total_seconds() <= 300, "soon again"
    page = firm.get("/admin/settings/email-domain/").get_data(as_text=True)
    assert "No DKIM record" in page  # the problem is shown while the domain stays verified

    create_client("jane@client.example")
    [mail] = smtp.wait_for(1, to="jane@client.example")
    assert mail["From"] == f"Smith CPA <notifications@{DOMAIN}>"
    assert mail["DKIM-Signature"] is not None
    assert not [m for m in smtp.messages if m["To"] == staff.email], "nobody alarmed yet"


def test_three_definite_failures_over_the_grace_period_flip_it_and_tell_managers_once(
    app, tenant, staff, dns, smtp, verified
):
    _break_dkim(dns, verified)
    assert check_mail_domain(tenant.id, verified.id) == "verified"
    assert check_mail_domain(tenant.id, verified.id) == "verified"
    assert check_mail_domain(tenant.id, verified.id) == "verified", "3 failures in 10 minutes"
    assert smtp.messages == []

    _age_history(601)
    assert check_mail_domain(tenant.id, verified.id) == "failing"
    [alert] = smtp.wait_for(1, to=staff.email)
    assert DOMAIN in alert["Subject"]
    assert "DKIM: No DKIM record" in text_of(alert)
    assert check_mail_domain(tenant.id, verified.id) == "failing"
    assert len(smtp.wait_for(1, to=staff.email)) == 1, "told once, not at every check"


def test_three_failures_after_the_grace_period_started_flip_it(app, tenant, dns, verified):
    _break_dkim(dns, verified)
    assert check_mail_domain(tenant.id, verified.id) == "verified"
    _age_history(601)
    assert check_mail_domain(tenant.id, verified.id) == "verified", "2 failures: not enough"
    assert check_mail_domain(tenant.id, verified.id) == "failing"


def test_temporary_answers_never_count(app, tenant, dns, smtp, verified):
    _break_dkim(dns, verified)
    assert check_mail_domain(tenant.id, verified.id) == "verified"
    dns.timeout(f"{verified.selector}._domainkey.{DOMAIN}")
    for _ in range(3):
        assert check_mail_domain(tenant.id, verified.id) == "verified"
    dns.clear()
    publish(dns, verified, app, skip=("dkim",))
    dns.servfail(f"{verified.selector}._domainkey.{DOMAIN}")
    assert check_mail_domain(tenant.id, verified.id) == "verified"
    _age_history(601)
    dns.clear()
    publish(dns, verified, app, skip=("dkim",))
    assert check_mail_domain(tenant.id, verified.id) == "verified", "2 definite failures in 6"
    assert smtp.messages == []
    assert check_mail_domain(tenant.id, verified.id) == "failing"


def test_one_good_check_clears_the_failures(app, tenant, dns, smtp, verified):
    _break_dkim(dns, verified)
    check_mail_domain(tenant.id, verified.id)
    check_mail_domain(tenant.id, verified.id)
    publish(dns, verified, app)
    assert check_mail_domain(tenant.id, verified.id) == "verified"
    row = domain_row(tenant.id)
    assert row.pending_checks == 0
    assert 86399 < (row.next_check_at - row.last_checked_at).total_seconds() <= 86400
    _age_history(601)
    _break_dkim(dns, verified)
    for _ in range(2):
        assert check_mail_domain(tenant.id, verified.id) == "verified", "a new run of failures"
    assert smtp.messages == []
