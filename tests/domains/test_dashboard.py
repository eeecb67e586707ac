"""Settings > Domains: add, check now (with a cooldown), status and reason, remove."""

from __future__ import annotations

from datetime import timedelta

from jobs.web_domains import check_web_domain
from portal.core.extensions import db
from tenants.models import Domain, DomainStatus
from tests.domains.conftest import HOST, publish

PAGE = "/admin/settings/domains/"


def the_domain() -> Domain:
    db.session.expire_all()
    return db.session.query(Domain).filter_by(host=HOST).one()


def test_just_added_domain_is_pending_with_its_records_not_failed(app, firm):
    app.config["WEB_DOMAIN_GRACE_SECONDS"] = 600
    assert firm.submit(PAGE, {"host": HOST}).status_code == 302
    domain = the_domain()
    assert domain.last_checked_at is not None, "checked at once"
    assert domain.status == DomainStatus.PENDING
    assert domain.check_error.startswith("Record missing")
    page = firm.get(PAGE).get_data(as_text=True)
    assert "Pending" in page and "Not working" not in page and 'class="error"' not in page
    assert f"_foyer-challenge.{HOST}" in page and "domains.foyer.example" in page
    assert "we keep checking" in page


def test_after_the_grace_period_the_first_definite_answer_decides(app, firm, dns):
    app.config["WEB_DOMAIN_GRACE_SECONDS"] = 600
    firm.submit(PAGE, {"host": HOST})
    domain = the_domain()
    domain.created_at -= timedelta(seconds=601)
    db.session.commit()
    dns.servfail(f"_foyer-challenge.{HOST}")  # not an answer: still pending
    assert check_web_domain(domain.tenant_id, domain.id) == "temporary"
    assert the_domain().status == DomainStatus.PENDING
    dns.clear()
    assert check_web_domain(domain.tenant_id, domain.id) == "failed"
    assert the_domain().status == DomainStatus.FAILED
    page = firm.get(PAGE).get_data(as_text=True)
    assert "Not working" in page and "Record missing" in page and 'class="error"' in page


def test_add_checks_at_once_and_shows_the_reason(firm):  # no grace period (conftest)
    assert firm.submit(PAGE, {"host": HOST}).status_code == 302
    domain = the_domain()
    assert domain.status == DomainStatus.FAILED and domain.last_checked_at is not None
    page = firm.get(PAGE).get_data(as_text=True)
    assert "Not working" in page and "Record missing" in page


def test_check_now_verifies_and_has_a_cooldown(firm, dns):
    firm.submit(PAGE, {"host": HOST})
    domain = the_domain()
    publish(dns, domain)
    action = f"{PAGE}{domain.id}/check"
    response = firm.submit(PAGE, {}, action=action, follow_redirects=True)
    assert "Checking the DNS records" in response.get_data(as_text=True)
    assert the_domain().status == DomainStatus.VERIFIED
    checks = len(dns.queries)
    again = firm.submit(PAGE, {}, action=action, follow_redirects=True)
    assert "try again in" in again.get_data(as_text=True)
    assert len(dns.queries) == checks  # no DNS query during the cooldown
    page = firm.get(PAGE).get_data(as_text=True)
    assert "Verified" in page and f'<option value="{HOST}">' in page


def test_other_tenants_domains_cannot_be_checked_or_removed(firm, make_tenant):
    other = make_tenant(name="Other Firm LLP")
    domain = Domain(tenant_id=other.id, host=HOST, status="pending")
    db.session.add(domain)
    db.session.commit()
    assert firm.submit(PAGE, {}, action=f"{PAGE}{domain.id}/remove").status_code == 404
    assert firm.submit(PAGE, {}, action=f"{PAGE}{domain.id}/check").status_code == 404
    assert the_domain().tenant_id == other.id
