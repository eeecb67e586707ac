"""Every request is resolved from its Host header to one tenant, or to the operator console."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from portal.core.extensions import db
from tenants.hosts import normalize_host
from tenants.models import Domain, DomainStatus
from tenants.resolution import forget_tenants
from tests.fixtures.tenants import OPERATOR_PASSWORD, STAFF_PASSWORD

NOT_FOUND = "Page not found"


def visit(client, path="/", host=None):  # type: ignore[no-untyped-def]
    """GET like a browser, following redirects; `host` overrides the raw Host header."""
    extra = {"environ_overrides": {"HTTP_HOST": host}} if host is not None else {}
    return client.get(path, follow_redirects=True, **extra)


def sent_to(response) -> str:  # type: ignore[no-untyped-def]
    """The request's raw Host and path, to name the case in a failure message."""
    environ = response.request.environ
    return f"{environ.get('HTTP_HOST')!r} {environ.get('PATH_INFO')}"


def assert_serves(response, name: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, f"{response.status} for {sent_to(response)}"
    assert name in response.get_data(as_text=True), sent_to(response)


def assert_plain_404(response, *secrets: str) -> None:  # type: ignore[no-untyped-def]
    body = response.get_data(as_text=True)
    assert response.status_code == 404, f"{response.status} for {sent_to(response)}"
    assert NOT_FOUND in body, sent_to(response)
    for secret in secrets:
        assert secret not in body, sent_to(response)


def add_domain(tenant, host: str, status: str = DomainStatus.VERIFIED) -> None:  # type: ignore[no-untyped-def]
    db.session.add(Domain(tenant_id=tenant.id, host=host, status=status))
    db.session.commit()
    forget_tenants()


def test_tenant_subdomain_serves_that_tenant(portal):
    assert_serves(visit(portal), "Acme Accounting")


def test_verified_custom_domain_serves_its_tenant(client_for, tenant):
    add_domain(tenant, "portal.acme-cpa.example")
    assert_serves(visit(client_for("portal.acme-cpa.example")), "Acme Accounting")


def test_unverified_custom_domains_get_404(client_for, tenant):
    add_domain(tenant, "pending.acme-cpa.example", DomainStatus.PENDING)
    add_domain(tenant, "failed.acme-cpa.example", DomainStatus.FAILED)
    assert_plain_404(visit(client_for("pending.acme-cpa.example")), "Acme")
    assert_plain_404(visit(client_for("failed.acme-cpa.example")), "Acme")


def test_host_variants_reach_the_same_tenant(client_for, tenant):
    client = client_for("elsewhere.example")
    for host in (
        "ACME.Foyer.Example",
        "acme.foyer.example:8443",
        "acme.foyer.example.",
        "Acme.Foyer.Example.:8443",
    ):
        assert_serves(visit(client, host=host), "Acme Accounting")


def test_idna_custom_domain_is_reached_by_its_punycode_host(client_for, make_tenant):
    buecher = make_tenant(slug="buecher", name="Bücher & Partner")
    stored = normalize_host("bücher.example")
    assert stored == "xn--bcher-kva.example"
    add_domain(buecher, stored)
    # Browsers send the A-label; Werkzeug treats a raw non-ASCII Host as missing.
    assert_serves(visit(client_for("xn--bcher-kva.example")), "Bücher &amp; Partner")
    response = visit(client_for("x.example"), host="XN--BCHER-KVA.Example.")
    assert_serves(response, "Bücher &amp; Partner")


def test_unknown_host_gets_plain_404(client_for, tenant):
    assert_plain_404(visit(client_for("nobody.foyer.example")), "Acme", "acme")
    assert_plain_404(visit(client_for("unrelated.example")), "Acme", "acme")


def test_suspended_tenant_looks_exactly_like_an_unknown_host(client_for, make_tenant):
    gone = make_tenant(slug="gone", name="Gone Partners", status="suspended")
    add_domain(gone, "clients.gone.example")
    suspended = visit(client_for("gone.foyer.example"))
    assert_plain_404(suspended, "Gone")
    assert_plain_404(visit(client_for("clients.gone.example")), "Gone")
    unknown = visit(client_for("never-existed.foyer.example"))
    assert suspended.get_data() == unknown.get_data()


MALFORMED_HOSTS = (
    "",
    " ",
    "acme.foyer.example:abc",
    "acme.foyer.example:99999",
    "evil.example:80@acme.foyer.example",
    "acme.foyer.example/../admin",
    "acme.foyer.example,evil.example",
    "acme..foyer.example",
    "%61cme.foyer.example",
    "<script>alert(1)</script>",
    "acme.foyer.example\r\nX-Injected: 1",
    "127.0.0.1",
    "[::1]:443",
    "x" * 400,
)


def test_malformed_host_headers_get_plain_404(client_for, tenant):
    client = client_for("acme.foyer.example")
    for raw in MALFORMED_HOSTS:
        assert_plain_404(visit(client, host=raw), "Acme", "<script>", "X-Injected")


def test_warm_cache_resolves_without_sql(app, portal, client_for):
    """Known and unknown hosts are answered from the cache once warm: no query per request."""
    unknown = client_for("nobody.foyer.example")
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert portal.get("/robots.txt").status_code == 200
        assert unknown.get("/robots.txt").status_code == 404
        assert statements, "a cold cache must load from the database"
        statements.clear()
        for _ in range(3):
            assert portal.get("/robots.txt").status_code == 200
            assert unknown.get("/robots.txt").status_code == 404
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert statements == []


def test_new_domain_is_served_right_after_the_change(client_for, tenant):
    """A negative cache entry for a host must not outlive the change that claims the host."""
    client = client_for("new.acme-cpa.example")
    assert visit(client).status_code == 404
    add_domain(tenant, "new.acme-cpa.example")
    assert_serves(visit(client), "Acme Accounting")


def test_platform_hosts_serve_the_operator_console(client_for, tenant):
    client = client_for("foyer.example")
    for host in ("foyer.example", "admin.foyer.example", "Admin.Foyer.Example:8443"):
        response = client.get("/", environ_overrides={"HTTP_HOST": host})
        assert response.status_code == 302, host
        assert response.headers["Location"].endswith("/operator/"), host
        console = visit(client, "/operator/", host=host)
        assert_serves(console, "Operator sign in")
        assert "Acme" not in console.get_data(as_text=True)


def test_platform_host_has_no_tenant_pages(platform, tenant):
    for path in ("/admin/", "/admin/sign-in", "/robots.txt"):
        assert_plain_404(platform.get(path), "Acme")


def test_tenant_hosts_have_no_operator_console(portal, client_for, tenant):
    add_domain(tenant, "portal.acme-cpa.example")
    custom = client_for("portal.acme-cpa.example")
    for path in ("/operator/", "/operator/sign-in", "/operator/mailbox"):
        assert_plain_404(portal.get(path))
        assert_plain_404(custom.get(path))


@pytest.fixture
def two_firms(make_tenant, make_staff, client_for):  # type: ignore[no-untyped-def]
    alpha = make_tenant(slug="alpha", name="Alpha Audit")
    beta = make_tenant(slug="beta", name="Beta Bookkeeping")
    make_staff(alpha, "partner@alpha.example")
    make_staff(beta, "shared@staff.example", password="beta's own passphrase 99")
    make_staff(alpha, "shared@staff.example")
    return client_for("alpha.foyer.example"), client_for("beta.foyer.example")


def sign_in_staff(client, email: str, password: str = STAFF_PASSWORD):  # type: ignore[no-untyped-def]
    return client.submit("/admin/sign-in", {"email": email, "password": password})


def test_each_tenant_host_shows_only_its_own_firm(two_firms):
    alpha, beta = two_firms
    alpha_page = visit(alpha).get_data(as_text=True)
    beta_page = visit(beta).get_data(as_text=True)
    assert "Alpha Audit" in alpha_page and "Beta" not in alpha_page
    assert "Beta Bookkeeping" in beta_page and "Alpha" not in beta_page


def test_staff_of_one_tenant_cannot_sign_in_on_another(two_firms):
    alpha, beta = two_firms
    refused = sign_in_staff(beta, "partner@alpha.example")
    assert refused.status_code == 422
    assert "Email or password is incorrect." in refused.get_data(as_text=True)
    assert beta.get("/admin/").status_code == 302
    # Same address at both firms: alpha's password does not open beta's account.
    refused = sign_in_staff(beta, "shared@staff.example")
    assert "Email or password is incorrect." in refused.get_data(as_text=True)
    assert sign_in_staff(alpha, "shared@staff.example").status_code == 302
    assert alpha.get("/admin/").status_code == 200


def test_a_session_cookie_works_only_on_the_host_that_issued_it(two_firms, client_for):
    alpha, _beta = two_firms
    assert sign_in_staff(alpha, "partner@alpha.example").status_code == 302
    cookie = alpha.get_cookie("__Host-foyer", domain="alpha.foyer.example")
    assert cookie is not None

    copy_on_alpha = client_for("alpha.foyer.example")
    copy_on_alpha.set_cookie("__Host-foyer", cookie.value, domain="alpha.foyer.example")
    assert copy_on_alpha.get("/admin/").status_code == 200  # the copied cookie is valid...

    for host in ("beta.foyer.example", "foyer.example"):
        replay = client_for(host)
        replay.set_cookie("__Host-foyer", cookie.value, domain=host)
        response = replay.get("/admin/" if host.startswith("beta") else "/operator/")
        assert response.status_code == 302  # ...but signs nobody in anywhere else
        assert "/sign-in" in response.headers["Location"]


def test_operator_session_does_not_reach_tenant_hosts(platform, make_operator, portal):
    make_operator()
    signed_in = platform.submit(
        "/operator/sign-in", {"email": "ops@foyer.example", "password": OPERATOR_PASSWORD}
    )
    assert signed_in.status_code == 302
    cookie = platform.get_cookie("__Host-foyer", domain="foyer.example")
    portal.set_cookie("__Host-foyer", cookie.value, domain="acme.foyer.example")
    assert portal.get("/admin/").status_code == 302
    assert_plain_404(portal.get("/operator/mailbox"))


def test_x_forwarded_host_is_ignored_without_trusted_proxies(client_for, tenant):
    spoofed = client_for("nobody.foyer.example").get(
        "/", headers={"X-Forwarded-Host": "acme.foyer.example"}, follow_redirects=True
    )
    assert_plain_404(spoofed, "Acme")
    real = client_for("acme.foyer.example").get(
        "/", headers={"X-Forwarded-Host": "nobody.foyer.example"}, follow_redirects=True
    )
    assert_serves(real, "Acme Accounting")


def test_x_forwarded_host_is_honoured_behind_a_trusted_proxy(make_app, tenant):
    proxied = make_app(TRUSTED_PROXIES=1)
    client = proxied.test_client(host="backend.internal")
    assert_plain_404(client.get("/"), "Acme")
    forwarded = client.get(
        "/", headers={"X-Forwarded-Host": "acme.foyer.example"}, follow_redirects=True
    )
    assert_serves(forwarded, "Acme Accounting")
