"""Claiming a custom web domain: normalisation, refusals, conflicts and the records shown."""

from __future__ import annotations

import pytest

from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.models import Domain
from tenants.webdomains.records import records_for
from tenants.webdomains.service import claim_domain
from tests.domains.conftest import CNAME_TARGET, HOST, PLATFORM_IPV4, PLATFORM_IPV6, make_verified
from tests.fixtures.people import sign_in_staff, tenant_host

PAGE = "/admin/settings/domains/"


BAD_CLAIMS = [
    ("203.0.113.7", "not an IP address"),
    ("[2001:db8::1]", "not an IP address"),
    ("*.smithcpa.example", "Wildcard"),
    ("foyer.example", "belongs to the platform"),
    ("acme.foyer.example", "belongs to the platform"),
    ("x.domains.foyer.example", "belongs to the platform"),
    ("bad_label.example", "not a valid domain name"),
    ("-smith.example", "not a valid domain name"),
    ("a..example", "not a valid domain name"),
    ("smithcpa", "public suffix"),
    ("co.uk", "public suffix"),
    ("", "Enter a domain name"),
]


def test_bad_claims_are_refused_with_a_reason(tenant):
    for raw, message in BAD_CLAIMS:
        with pytest.raises(UserError, match=message):
            claim_domain(tenant, raw)


def test_claim_is_normalised_and_gets_its_own_strong_token(tenant, make_tenant):
    first = claim_domain(tenant, "https://Portal.SmithCPA.Example./")
    db.session.commit()
    assert first.host == HOST
    assert first.status == "pending"
    other = claim_domain(make_tenant(), HOST)  # a pending claim elsewhere does not block
    db.session.commit()
    for domain in (first, other):
        assert len(domain.verification_token.removeprefix("foyer-")) >= 43  # 256 bits
    assert first.verification_token != other.verification_token


def test_the_same_tenant_cannot_add_a_domain_twice(tenant):
    claim_domain(tenant, HOST)
    db.session.commit()
    with pytest.raises(UserError, match="already in your list"):
        claim_domain(tenant, HOST.upper())


def test_domain_verified_by_another_tenant_cannot_be_added(firm, make_tenant):
    make_verified(make_tenant(name="Other Firm LLP"), HOST)
    response = firm.submit(PAGE, {"host": HOST})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "already connected to another portal" in body
    assert db.session.query(Domain).filter_by(host=HOST).count() == 1


def test_subdomain_shows_a_cname_and_the_txt_record(firm):
    response = firm.submit(PAGE, {"host": HOST})
    assert response.status_code == 302
    page = firm.get(PAGE).get_data(as_text=True)
    domain = db.session.query(Domain).filter_by(host=HOST).one()
    assert [(r.type, r.name, r.value) for r in records_for(domain, firm.application.config)] == [
        ("CNAME", HOST, CNAME_TARGET),
        ("TXT", f"_foyer-challenge.{HOST}", domain.verification_token),
    ]
    for text in (CNAME_TARGET, f"_foyer-challenge.{HOST}", domain.verification_token):
        assert f'value="{text}"' in page
    assert "data-copy-target" in page and "copy.js" in page


@pytest.mark.parametrize("host", ["smithcpa.example", "smith.co.uk"])
def test_apex_shows_a_and_aaaa_records(app, tenant, host):
    domain = claim_domain(tenant, host)
    db.session.commit()
    records = records_for(domain, app.config)
    assert {(r.type, r.name, r.value) for r in records if r.type != "TXT"} == {
        ("A", host, PLATFORM_IPV4),
        ("AAAA", host, PLATFORM_IPV6),
    }
    assert records[-1].name == f"_foyer-challenge.{host}"


def test_bad_input_in_the_dashboard_shows_the_reason(firm):
    response = firm.submit(PAGE, {"host": "10.0.0.1"})
    assert response.status_code == 422
    assert "not an IP address" in response.get_data(as_text=True)
    assert db.session.query(Domain).count() == 0


def test_clients_and_other_staff_roles_cannot_open_domains(client_for, tenant, make_staff):
    make_staff(tenant, "member@acme.example", role="member")
    member = client_for(tenant_host(tenant))
    sign_in_staff(member, "member@acme.example")
    assert member.get(PAGE).status_code == 403
