"""DNS that refuses to answer is "unknown, retry later", never a failure, for web and mail
domains alike (SERVFAIL and timeouts: tests/domains and tests/maildomains)."""

from __future__ import annotations

import time

import pytest

from jobs.mail_domains import check_mail_domain
from jobs.web_domains import check_web_domain
from portal.core.extensions import db
from portal.maildomains.models import MailDomain
from portal.maildomains.service import add_domain
from tenants.models import Domain, DomainStatus
from tenants.webdomains.service import claim_domain
from tests.domains.conftest import publish as publish_web
from tests.maildomains.conftest import publish as publish_mail

HOST = "portal.smithcpa.example"
MAIL_DOMAIN = "smithcpa.example"


@pytest.fixture
def app_config(app_config, dns):  # type: ignore[no-untyped-def]
    return {
        **app_config,
        "DNS_NAMESERVERS": dns.nameservers,
        "DNS_TIMEOUT": 0.5,
        "PLATFORM_ADDRESSES": "203.0.113.10",
        "WEB_DOMAIN_GRACE_SECONDS": 0,
        "MAIL_DOMAIN_AUTO_RECHECK": False,
    }


def web_domain(domain_id: int) -> Domain:
    db.session.expire_all()
    row = db.session.get(Domain, domain_id)
    assert row is not None
    return row


def mail_domain(row_id: int) -> MailDomain:
    db.session.expire_all()
    row = db.session.get(MailDomain, row_id)
    assert row is not None
    return row


def test_refused_keeps_a_new_web_domain_pending_and_a_verified_one_serving(
    app, tenant, dns, refusing_dns, client_for
):
    pending = claim_domain(tenant, "new.smithcpa.example")
    verified = claim_domain(tenant, HOST)
    db.session.commit()
    publish_web(dns, verified)
    assert check_web_domain(tenant.id, verified.id) == "ok"

    app.config["DNS_NAMESERVERS"] = refusing_dns.nameservers
    assert check_web_domain(tenant.id, pending.id) == "temporary"
    assert check_web_domain(tenant.id, verified.id) == "temporary"
    assert refusing_dns.queries >= 2

    assert web_domain(pending.id).status == DomainStatus.PENDING
    assert web_domain(pending.id).next_check_at is not None, "retried later"
    assert web_domain(verified.id).status == DomainStatus.VERIFIED
    assert client_for(HOST).get("/sign-in").status_code == 200


def test_refused_never_fails_a_verified_sending_domain(app, tenant, dns, refusing_dns, smtp):
    row = add_domain(tenant.id, MAIL_DOMAIN, "mail", "Smith CPA", "")
    db.session.commit()
    publish_mail(dns, row, app)
    assert check_mail_domain(tenant.id, row.id) == "verified"

    app.config["DNS_NAMESERVERS"] = refusing_dns.nameservers
    assert check_mail_domain(tenant.id, row.id) == "verified", "never reported as a failure"
    checked = mail_domain(row.id)
    assert checked.dkim_status == "temporary" and checked.ownership_status == "temporary"
    assert checked.spf_status == "temporary" and checked.dmarc_status == "temporary"
    assert smtp.messages == [], "nobody is told about a resolver that refuses"


def test_a_check_has_a_time_budget_for_all_its_lookups(app, tenant, dns, smtp):
    # Each lookup may take DNS_TIMEOUT (1 s); the check's lookups together DNS_CHECK_BUDGET.
    app.config.update(DNS_TIMEOUT=1.0, DNS_CHECK_BUDGET=1.5)
    row = add_domain(tenant.id, MAIL_DOMAIN, "mail", "Smith CPA", "")
    db.session.commit()
    publish_mail(dns, row, app)
    assert check_mail_domain(tenant.id, row.id) == "verified"
    for name in (MAIL_DOMAIN, f"_dmarc.{MAIL_DOMAIN}", f"_foyer-verify.{MAIL_DOMAIN}"):
        dns.timeout(name)
    dns.timeout(f"{row.selector}._domainkey.{MAIL_DOMAIN}")

    started = time.monotonic()
    assert check_mail_domain(tenant.id, row.id) == "verified", "unknown: keeps its status"
    took = time.monotonic() - started
    assert took < 3.5, f"{took:.1f} s: four lookups of 1 s each, and more for SPF and DMARC"
    checked = mail_domain(row.id)
    statuses = [checked.ownership_status, checked.dkim_status, checked.spf_status]
    assert statuses == ["temporary"] * 3 and checked.dmarc_status == "temporary"
    assert smtp.messages == []
