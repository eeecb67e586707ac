"""The DNS check job against a real DNS server on loopback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rq.registry import ScheduledJobRegistry

from jobs.web_domains import check_web_domain
from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.models import Domain, DomainStatus
from tenants.webdomains.service import next_check_delay
from tests.domains.conftest import HOST, PLATFORM_IPV4, make_verified, publish
from tests.fixtures.smtp import text_of


def run_check(domain: Domain) -> Domain:
    result = check_web_domain(domain.tenant_id, domain.id)
    db.session.expire_all()
    checked = db.session.get(Domain, domain.id)
    checked.result = result  # type: ignore[attr-defined]
    return checked


def test_correct_records_verify_and_the_host_serves_the_portal(claim, dns, client_for):
    domain = claim()
    assert client_for(HOST).get("/sign-in").status_code == 404  # not before verification
    publish(dns, domain)
    checked = run_check(domain)
    assert checked.status == DomainStatus.VERIFIED
    assert checked.check_error is None and checked.verified_at is not None
    assert checked.next_check_at is not None and checked.last_checked_at is not None
    response = client_for(HOST).get("/sign-in")
    assert response.status_code == 200
    assert "Acme Accounting" in response.get_data(as_text=True)


def test_apex_with_a_records_to_the_platform_verifies(claim, dns):
    domain = claim("smithcpa.example")
    dns.add("smithcpa.example", "A", PLATFORM_IPV4)
    dns.add("_foyer-challenge.smithcpa.example", "TXT", domain.verification_token)
    assert run_check(domain).status == DomainStatus.VERIFIED


def test_missing_records_fail_with_the_reason(claim, dns):
    domain = claim()
    checked = run_check(domain)
    assert checked.status == DomainStatus.FAILED
    assert checked.check_error.startswith("Record missing")
    assert f"_foyer-challenge.{HOST}" in checked.check_error


def test_missing_cname_fails_with_the_reason(claim, dns):
    domain = claim()
    dns.add(f"_foyer-challenge.{HOST}", "TXT", domain.verification_token)
    checked = run_check(domain)
    assert checked.status == DomainStatus.FAILED
    assert checked.check_error.startswith("Record missing")


def test_cname_to_another_host_fails_as_points_elsewhere(claim, dns):
    domain = claim()
    publish(dns, domain, target="proxy.other-platform.example")
    checked = run_check(domain)
    assert checked.status == DomainStatus.FAILED
    assert "Points elsewhere" in checked.check_error
    assert "proxy.other-platform.example" in checked.check_error


def test_a_record_elsewhere_fails_as_points_elsewhere(claim, dns):
    domain = claim()
    dns.add(HOST, "A", "198.51.100.99")
    dns.add(f"_foyer-challenge.{HOST}", "TXT", domain.verification_token)
    checked = run_check(domain)
    assert checked.status == DomainStatus.FAILED
    assert "198.51.100.99" in checked.check_error


def test_wrong_token_fails(claim, dns):
    domain = claim()
    publish(dns, domain, token="foyer-somebody-elses-token")
    checked = run_check(domain)
    assert checked.status == DomainStatus.FAILED
    assert checked.check_error.startswith("Wrong token")


@pytest.mark.parametrize("failure", ["servfail", "timeout"])
@pytest.mark.parametrize("broken", ["challenge", "host"])
def test_temporary_dns_failures_keep_the_domain_pending(claim, dns, failure, broken):
    domain = claim()
    publish(dns, domain)
    getattr(dns, failure)(f"_foyer-challenge.{HOST}" if broken == "challenge" else HOST)
    checked = run_check(domain)
    assert checked.status == DomainStatus.PENDING
    assert checked.result == "temporary"
    assert "did not answer" in checked.check_error
    assert checked.next_check_at is not None  # retried
    dns.clear()
    publish(dns, domain)
    assert run_check(domain).status == DomainStatus.VERIFIED


def test_temporary_failure_keeps_a_verified_domain_serving(claim, dns, client_for):
    domain = claim()
    publish(dns, domain)
    run_check(domain)
    dns.timeout(HOST)
    checked = run_check(domain)
    assert checked.status == DomainStatus.VERIFIED
    assert client_for(HOST).get("/sign-in").status_code == 200


@pytest.mark.parametrize("owner", [HOST, "smithcpa.example"])
def test_caa_that_forbids_the_platform_ca_fails(make_app, claim, dns, owner):
    domain = claim()
    publish(dns, domain)
    dns.add(owner, "CAA", '0 issue "digicert.com"')
    strict = make_app(
        DNS_NAMESERVERS=dns.nameservers, DNS_TIMEOUT=0.5, PLATFORM_CA_DOMAIN="letsencrypt.org"
    )
    with strict.app_context():
        result = check_web_domain(domain.tenant_id, domain.id)
    assert result == "failed"
    db.session.expire_all()
    checked = db.session.get(Domain, domain.id)
    assert checked.status == DomainStatus.FAILED
    assert checked.check_error.startswith("CAA forbids")


def test_caa_that_allows_the_platform_ca_verifies(make_app, claim, dns):
    domain = claim()
    publish(dns, domain)
    dns.add("smithcpa.example", "CAA", '0 issue "letsencrypt.org"', '0 issue "digicert.com"')
    strict = make_app(
        DNS_NAMESERVERS=dns.nameservers, DNS_TIMEOUT=0.5, PLATFORM_CA_DOMAIN="letsencrypt.org"
    )
    with strict.app_context():
        assert check_web_domain(domain.tenant_id, domain.id) == "ok"


def test_correct_records_do_not_win_a_domain_verified_elsewhere(claim, dns, make_tenant):
    domain = claim()
    make_verified(make_tenant(name="Other Firm LLP"), HOST)
    publish(dns, domain)
    checked = run_check(domain)
    assert checked.status == DomainStatus.FAILED
    assert "another portal" in checked.check_error


def test_verified_domain_that_breaks_is_flagged_unserved_and_managers_emailed(
    claim, dns, client_for, staff, smtp, tenant
):
    domain = claim()
    publish(dns, domain)
    assert run_check(domain).status == DomainStatus.VERIFIED
    tenant.primary_host = HOST
    db.session.commit()
    dns.clear()
    publish(dns, domain, target="parked.registrar.example")
    checked = run_check(domain)
    assert checked.status == DomainStatus.FAILED
    assert "Points elsewhere" in checked.check_error
    db.session.refresh(tenant)
    assert tenant.primary_host is None  # nobody is redirected to a dead host
    assert client_for(HOST).get("/sign-in").status_code == 404
    (message,) = smtp.wait_for(1, to=staff.email)
    assert HOST in message["Subject"]
    assert "parked.registrar.example" in text_of(message)


def test_verified_domain_breaks_only_after_repeated_failures_over_the_grace_period(
    app, claim, dns, client_for, staff, smtp
):
    app.config.update(WEB_DOMAIN_BREAK_AFTER_FAILURES=3, WEB_DOMAIN_BREAK_GRACE_SECONDS=600)
    domain = claim()
    publish(dns, domain)
    assert run_check(domain).status == DomainStatus.VERIFIED
    dns.clear()
    publish(dns, domain, target="parked.registrar.example")

    first = run_check(domain)
    assert first.result == "failed" and first.status == DomainStatus.VERIFIED
    assert "Points elsewhere" in first.check_error
    assert (first.next_check_at - first.last_checked_at).total_seconds() == 60, "soon again"
    assert client_for(HOST).get("/sign-in").status_code == 200, "still served"
    dns.timeout(HOST)
    assert run_check(domain).failed_checks == 1, "a DNS timeout is no answer"
    dns.clear()
    publish(dns, domain, target="parked.registrar.example")
    assert run_check(domain).status == DomainStatus.VERIFIED  # two failures
    third = run_check(domain)
    assert third.status == DomainStatus.VERIFIED, "three failures, but within 10 minutes"
    page = client_for(HOST).get("/sign-in")
    assert page.status_code == 200 and smtp.messages == []

    third.checks_until = utcnow() - timedelta(seconds=1)  # the grace period has passed
    db.session.commit()
    broken = run_check(domain)
    assert broken.status == DomainStatus.FAILED
    assert client_for(HOST).get("/sign-in").status_code == 404
    assert len(smtp.wait_for(1, to=staff.email)) == 1


def test_one_good_answer_clears_a_verified_domains_failures(app, claim, dns):
    app.config.update(WEB_DOMAIN_BREAK_AFTER_FAILURES=3, WEB_DOMAIN_BREAK_GRACE_SECONDS=600)
    domain = claim()
    publish(dns, domain)
    run_check(domain)
    dns.clear()
    assert run_check(domain).failed_checks == 1
    publish(dns, domain)
    healed = run_check(domain)
    assert healed.status == DomainStatus.VERIFIED and healed.check_error is None
    assert healed.failed_checks == 0 and healed.checks_until is None
    assert (healed.next_check_at - healed.last_checked_at).total_seconds() == 86400


def test_back_off_minutes_first_then_hourly_and_daily_once_verified(app):
    def next_delay(status: str, failed_before: int) -> int:
        return next_check_delay(Domain(status=status, failed_checks=failed_before + 1))

    assert [next_delay("pending", n) for n in range(6)] == [60, 180, 600, 1800, 3600, 3600]
    assert next_delay("verified", 0) == 24 * 3600


def test_a_week_of_temporary_failures_gives_up(claim, dns):
    domain = claim()
    domain.checks_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    dns.servfail(f"_foyer-challenge.{HOST}")
    checked = run_check(domain)
    assert checked.status == DomainStatus.FAILED
    assert checked.next_check_at is None


def test_next_check_is_scheduled_in_rq_and_stale_runs_do_nothing(redis_app, claim, dns):
    domain = claim()
    publish(dns, domain)
    assert check_web_domain(domain.tenant_id, domain.id) == "ok"
    queue = redis_app.extensions["foyer.queue"]
    (job_id,) = ScheduledJobRegistry(queue=queue).get_job_ids()
    planned = queue.fetch_job(job_id)
    db.session.expire_all()
    checked = db.session.get(Domain, domain.id)
    assert planned.args == (domain.tenant_id, domain.id, checked.next_check_at.isoformat())
    delay = (checked.next_check_at - checked.last_checked_at).total_seconds()
    assert delay == 24 * 3600  # daily once verified
    assert check_web_domain(domain.tenant_id, domain.id, "2000-01-01T00:00:00") == "superseded"
