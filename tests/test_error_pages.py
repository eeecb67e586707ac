"""Error pages: branded on tenant hosts, plain on the platform host, JSON for JSON requests,
and still there when the database is not."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask, abort

from portal.core.errors import PAGES, THEMED_RENDERER, UserError, show_on_form
from portal.core.extensions import db
from portal.signup.forms import CodeForm
from tenants.models import Tenant
from tenants.resolution import snapshot_of
from tests.fixtures.people import sign_in_staff, tenant_host
from tests.fixtures.tenants import PLATFORM_DOMAIN, csrf_from
from tests.themes.helpers import BRANDING_PAGE, branding_data

STATUSES = [400, 403, 404, 405, 410, 413, 429, 500, 503]
BRAND = {"brand_color": "#aa3300", "portal_name": "Acme Portal"}
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/none"


def _abort_in(app: Flask, endpoint: str, status: int) -> None:
    """Make one view fail with `status` (the decorators around it go too)."""

    def failing(**_values: Any) -> None:
        abort(status)

    app.view_functions[endpoint] = failing


def assert_branded(response, status: int, back: str = "/") -> str:  # type: ignore[no-untyped-def]
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert "--brand:#aa3300" in html and "<title>" in html and "Acme Portal" in html
    assert f"<h1>{PAGES[status][0]}</h1>" in html
    assert f'href="{back}"' in html
    return html


def assert_plain(response, status: int) -> str:  # type: ignore[no-untyped-def]
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert f"<h1>{PAGES[status][0]}</h1>" in html
    assert 'href="/"' in html
    assert "--brand" not in html
    return html


@pytest.mark.tenant(**BRAND)
@pytest.mark.parametrize("status", STATUSES)
def test_every_error_is_a_branded_page_with_a_way_back_on_a_tenant_host(app, portal, status):
    _abort_in(app, "home.index", status)
    html = assert_branded(portal.get("/"), status, back="/")
    assert "Back to the portal home" in html


@pytest.mark.tenant(**BRAND)
@pytest.mark.parametrize("status", [403, 404, 500])
def test_staff_pages_lead_back_to_the_dashboard(app, portal, status):
    _abort_in(app, "admin_firm.dashboard", status)
    html = assert_branded(portal.get("/admin/"), status, back="/admin/")
    assert "Back to the dashboard" in html


@pytest.mark.tenant(theme="harbor", **BRAND)
def test_the_error_page_follows_the_tenants_theme(portal):
    html = assert_branded(portal.get("/no-such-page"), 404)
    assert "harbor.css" in html


@pytest.mark.parametrize("status", STATUSES)
def test_every_error_is_a_plain_page_on_the_platform_host(app, platform, status):
    _abort_in(app, "home.index", status)
    html = assert_plain(platform.get("/"), status)
    assert "Go to the start page" in html


@pytest.mark.tenant(**BRAND)
@pytest.mark.parametrize("status", STATUSES)
def test_json_requests_get_a_json_error(app, portal, status):
    _abort_in(app, "home.index", status)
    response = portal.get("/", headers={"Accept": "application/json"})
    assert response.status_code == status
    assert response.mimetype == "application/json"
    title, _ = PAGES[status]
    error = response.get_json()["error"]
    assert error["status"] == status and error["title"] == title and error["message"]


@pytest.mark.tenant(**BRAND)
def test_a_json_body_gets_a_json_error(portal):
    response = portal.post("/no-such-page", json={"any": "thing"})
    assert response.status_code == 404
    assert response.get_json()["error"]["title"] == "Page not found"


@pytest.mark.tenant(**BRAND)
def test_real_errors_on_a_tenant_host_are_branded(portal):
    assert_branded(portal.get("/no-such-page"), 404)
    not_allowed = portal.get("/sign-out")  # POST only
    assert_branded(not_allowed, 405)
    assert "POST" in not_allowed.headers["Allow"]
    assert_branded(portal.post("/sign-in", data={"email": "a@b.example"}), 400)  # no CSRF token


@pytest.mark.tenant(**BRAND)
def test_staff_without_the_settings_permission_get_a_branded_403(tenant, make_staff, client_for):
    make_staff(tenant, "member@acme.example", role="member")
    member = client_for(tenant_host(tenant))
    sign_in_staff(member, "member@acme.example")
    html = assert_branded(member.get("/admin/settings/portal"), 403, back="/admin/")
    assert "does not have permission" in html


@pytest.mark.tenant(**BRAND)
def test_too_many_attempts_is_the_branded_page_with_retry_after(portal):
    for _ in range(5):
        assert portal.submit("/forgot-password", {"email": "x@client.example"}).status_code == 200
    limited = portal.submit("/forgot-password", {"email": "x@client.example"})
    html = assert_branded(limited, 429)
    assert 0 < int(limited.headers["Retry-After"]) <= 3600
    assert "Too many attempts. Please wait" in html and "and try again." in html


def multipart(fields: dict[str, str], filename: str, size: int) -> tuple[bytes, str]:
    """Built by hand: the test client would spool a large file to a temporary file."""
    boundary = "foyerboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="logo"; filename="{filename}"'
        "\r\nContent-Type: image/png\r\n\r\n"
    )
    body = "".join(parts).encode() + head.encode() + b"\0" * size
    return body + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.tenant(**BRAND)
def test_a_too_large_upload_keeps_the_staff_member_on_the_branding_form(app, tenant, firm):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    token = csrf_from(firm.get(BRANDING_PAGE).get_data(as_text=True))
    fields = {"csrf_token": token, **branding_data(brand_color="#123456")}
    body, content_type = multipart(fields, "big.png", 2_000_000)  # type: ignore[arg-type]
    response = firm.post(BRANDING_PAGE, data=body, content_type=content_type)
    assert response.status_code == 303
    assert response.headers["Location"] == BRANDING_PAGE
    page = firm.get(BRANDING_PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "The file is too large: at most 1 MB." in html
    assert 'name="brand_color"' in html and "#aa3300" in html  # the saved values again
    db.session.expire_all()
    assert db.session.get(Tenant, tenant.id).brand_color == "#aa3300"


@pytest.mark.tenant(**BRAND)
def test_a_too_large_post_never_redirects_off_the_host(make_app, tenant):
    """`/\\evil.example` is `//evil.example` to a browser: such a path gets the page instead."""
    app = make_app(MAX_CONTENT_LENGTH=1024 * 1024)
    app.add_url_rule("/<name>", "catch_all", lambda name: name, methods=["POST"])
    client = app.test_client(host=tenant_host(tenant))  # type: ignore[call-arg]
    response = client.post("/\\evil.example", data={"x": "y" * 1_100_000})
    assert "Location" not in response.headers
    assert_branded(response, 413)
    assert "The file is too large: at most 1 MB." in response.get_data(as_text=True)


@pytest.mark.tenant(**BRAND)
def test_a_too_large_json_post_gets_a_json_413(portal):
    portal.application.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    response = portal.post("/sign-in", json={"x": "y" * 1_100_000})
    assert response.status_code == 413 and "Location" not in response.headers
    assert response.get_json()["error"]["message"] == "The file is too large: at most 1 MB."


@pytest.mark.tenant(**BRAND)
def test_an_unexpected_exception_is_logged_and_shown_as_the_branded_500(app, portal, caplog):
    def broken() -> None:
        raise RuntimeError("the view broke")

    app.view_functions["home.index"] = broken
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production
    with caplog.at_level(logging.ERROR):
        html = assert_branded(portal.get("/"), 500)
    assert "the view broke" not in html
    assert any(
        record.exc_info and isinstance(record.exc_info[1], RuntimeError)
        for record in caplog.records
    )


@pytest.mark.tenant(**BRAND)
def test_a_failing_themed_page_falls_back_to_the_plain_one(app, portal):
    def broken(_page: object) -> str:
        raise RuntimeError("theme broke")

    app.extensions[THEMED_RENDERER] = broken
    assert_plain(portal.get("/no-such-page"), 404)


def test_an_unreachable_database_is_a_503_page_not_a_500(make_app, tenant):
    broken = make_app(DATABASE_URL=UNREACHABLE)
    visitor = broken.test_client(host=tenant_host(tenant))  # type: ignore[call-arg]
    response = visitor.get("/sign-in")  # the tenant cannot even be looked up
    assert_plain(response, 503)
    assert response.headers["Retry-After"]
    operator = broken.test_client(host=PLATFORM_DOMAIN)  # type: ignore[call-arg]
    with operator.session_transaction(base_url=f"https://{PLATFORM_DOMAIN}") as session:
        session["_user_id"] = "operator:1:nonce"
    assert_plain(operator.get("/operator/"), 503)  # loading the operator fails


@pytest.mark.tenant(**BRAND)
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_a_database_outage_on_a_known_tenant_host_is_the_branded_503(make_app, tenant, signed_in):
    """The tenant is cached but every query fails: the page still carries the firm's brand,
    and drawing it never asks the database for the signed-in person."""
    host = tenant_host(tenant)
    snapshot = snapshot_of(tenant)
    broken = make_app(DATABASE_URL=UNREACHABLE)
    with broken.app_context():
        broken.extensions["foyer.tenant_cache"].get(host, lambda _host: snapshot)
    visitor = broken.test_client(host=host)  # type: ignore[call-arg]
    if signed_in:
        with visitor.session_transaction(base_url=f"https://{host}") as session:
            session["_user_id"] = "client:1:nonce"
    assert_branded(visitor.get("/invite/some-token"), 503)


def test_show_on_form_falls_back_to_the_default_field_then_the_form(app):
    with app.test_request_context():
        form = CodeForm(meta={"csrf": False})
        show_on_form(form, UserError("On the code.", field="code"))
        show_on_form(form, UserError("Not a field here.", field="company"), default_field="code")
        show_on_form(form, UserError("On the form."))
    assert form.code.errors == ["On the code.", "Not a field here."]
    assert form.form_errors == ["On the form."]
