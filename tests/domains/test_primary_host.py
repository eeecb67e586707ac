"""Choosing a primary host: other hosts 308 to it, keeping path, query and the session."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from portal.core.extensions import db
from tenants.handover import PARAM
from tenants.models import Domain
from tests.domains.conftest import HOST, make_verified
from tests.fixtures.people import tenant_host

PAGE = "/admin/settings/domains/"


def choose(firm, host: str):  # type: ignore[no-untyped-def]
    response = firm.submit(PAGE, {"primary_host": host}, action=PAGE + "primary")
    assert response.status_code == 302
    return response


def test_other_hosts_redirect_308_to_the_primary_keeping_path_and_query(firm, client_for, tenant):
    make_verified(tenant, HOST)
    choose(firm, HOST)
    response = client_for(tenant_host(tenant)).get("/sign-in?next=%2Fdocuments&x=1")
    assert response.status_code == 308
    assert response.headers["Location"] == f"https://{HOST}/sign-in?next=%2Fdocuments&x=1"
    post = client_for(tenant_host(tenant)).post("/sign-in", data={"email": "a@b.example"})
    assert post.status_code == 308  # method and body are kept by the browser
    assert client_for(HOST).get("/sign-in").status_code == 200


def test_platform_subdomain_as_primary_redirects_custom_domains(firm, client_for, tenant):
    make_verified(tenant, HOST)
    choose(firm, tenant_host(tenant))
    response = client_for(HOST).get("/a/path?q=1")
    assert response.status_code == 308
    assert response.headers["Location"] == f"https://{tenant_host(tenant)}/a/path?q=1"


def test_without_a_primary_every_host_serves(firm, client_for, tenant):
    make_verified(tenant, HOST)
    assert client_for(HOST).get("/sign-in").status_code == 200
    assert client_for(tenant_host(tenant)).get("/sign-in").status_code == 200


def test_only_verified_domains_can_be_primary(firm, tenant):
    db.session.add(Domain(tenant_id=tenant.id, host=HOST, status="pending"))
    db.session.commit()
    firm.submit(PAGE, {"primary_host": HOST}, action=PAGE + "primary")
    db.session.refresh(tenant)
    assert tenant.primary_host is None


def test_any_host_endpoints_are_not_redirected(firm, client_for, tenant):
    make_verified(tenant, HOST)
    choose(firm, HOST)
    other = client_for(tenant_host(tenant))
    assert other.get("/healthz").status_code == 200
    assert other.get(f"/tls/ask?domain={HOST}").status_code == 200


def test_signed_in_staff_stay_signed_in_on_the_new_primary(firm, tenant):
    make_verified(tenant, HOST)
    choose(firm, HOST)
    response = firm.get("/admin/clients/?page=2")
    assert response.status_code == 308
    location = urlsplit(response.headers["Location"])
    assert location.netloc == HOST
    token = parse_qs(location.query)[PARAM][0]

    firm.host = HOST  # the browser follows the redirect to the other host
    landed = firm.get(f"{location.path}?{location.query}")
    assert landed.status_code == 302
    assert landed.headers["Location"] == "/admin/clients/?page=2"  # token stripped
    page = firm.get("/admin/clients/?page=2")
    assert page.status_code == 200
    assert "Sign out" in page.get_data(as_text=True)

    fresh = firm.application.test_client(host=HOST)
    reused = fresh.get(f"/admin/clients/?{PARAM}={token}")
    assert reused.status_code == 302
    assert "/admin/sign-in" in fresh.get("/admin/clients/").headers["Location"]  # single use


def test_a_handover_token_is_bound_to_its_host(firm, tenant, make_tenant, client_for):
    make_verified(tenant, HOST)
    other = make_tenant(slug="other", name="Other Firm LLP")
    make_verified(other, "portal.other.example")
    choose(firm, HOST)
    location = urlsplit(firm.get("/admin/clients/").headers["Location"])
    thief = client_for("portal.other.example")
    thief.get(f"/admin/clients/?{location.query}")
    assert thief.get("/admin/clients/").status_code == 302  # still signed out


def test_anonymous_redirects_carry_no_token(firm, client_for, tenant):
    make_verified(tenant, HOST)
    choose(firm, HOST)
    response = client_for(tenant_host(tenant)).get("/sign-in")
    assert PARAM not in response.headers["Location"]


def test_removing_the_primary_domain_stops_redirects(firm, client_for, tenant):
    domain = make_verified(tenant, HOST)
    choose(firm, HOST)
    location = urlsplit(firm.get(PAGE).headers["Location"])
    firm.host = HOST  # the owner follows the redirect and is handed over
    firm.get(f"{location.path}?{location.query}")
    response = firm.submit(PAGE, {}, action=f"{PAGE}{domain.id}/remove")
    assert response.status_code == 302
    db.session.refresh(tenant)
    assert tenant.primary_host is None
    assert client_for(HOST).get("/sign-in").status_code == 404
    assert client_for(tenant_host(tenant)).get("/sign-in").status_code == 200
