"""The operator console on the platform host: sign in, tenants, new tenant form, mailbox."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.auth.models import StaffMember
from portal.core.extensions import db
from portal.mail.models import OutboxMessage
from tenants.models import Domain, Tenant
from tests.fixtures.tenants import OPERATOR_PASSWORD, csrf_from

WRONG = "Email or password is incorrect."


def sign_in(client, email: str = "ops@foyer.example", password: str = OPERATOR_PASSWORD, **kw):  # type: ignore[no-untyped-def]
    return client.submit("/operator/sign-in", {"email": email, "password": password}, **kw)


@pytest.fixture
def console(platform, make_operator):  # type: ignore[no-untyped-def]
    """The platform host, signed in as an operator."""
    make_operator()
    assert sign_in(platform).status_code == 302
    return platform


def rows(model) -> int:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_sign_in_form_has_a_label_for_every_field(platform):
    page = platform.get("/operator/sign-in").get_data(as_text=True)
    assert re.search(r'<label for="email">Email</label>', page)
    assert re.search(r'<label for="password">Password</label>', page)


def test_console_pages_require_sign_in(platform):
    for path in ("/operator/", "/operator/tenants/new", "/operator/mailbox", "/operator/mailbox/1"):
        response = platform.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/operator/sign-in?next=")


def test_sign_in_lands_on_the_tenant_list(platform, make_operator):
    make_operator()
    response = sign_in(platform, email=" OPS@foyer.example ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/operator/"
    assert "Tenants" in platform.get("/operator/").get_data(as_text=True)


def test_sign_in_works_on_the_admin_alias_of_the_platform(client_for, make_operator):
    make_operator()
    alias = client_for("admin.foyer.example")
    assert sign_in(alias).status_code == 302
    assert alias.get("/operator/").status_code == 200


def test_sign_in_follows_only_local_next_links(platform, make_operator):
    make_operator()
    response = sign_in(platform, action="/operator/sign-in?next=/operator/mailbox")
    assert response.headers["Location"] == "/operator/mailbox"
    platform.post("/operator/sign-out", data={"csrf_token": _token(platform, "/operator/")})
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = sign_in(platform, action=f"/operator/sign-in?next={target}")
        assert response.headers["Location"] == "/operator/"


def _token(client, page: str) -> str:  # type: ignore[no-untyped-def]
    return csrf_from(client.get(page).get_data(as_text=True))


def _without_volatile_parts(html: str, email: str) -> str:
    html = re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "CSRF", html)
    return html.replace(email, "EMAIL")


def test_wrong_password_and_unknown_email_look_the_same(platform, make_operator):
    make_operator()
    wrong = sign_in(platform, password="not the right passphrase")
    unknown = sign_in(platform, email="nobody@foyer.example", password="not the right passphrase")
    assert wrong.status_code == unknown.status_code == 422
    wrong_page = wrong.get_data(as_text=True)
    assert WRONG in wrong_page
    assert _without_volatile_parts(wrong_page, "ops@foyer.example") == _without_volatile_parts(
        unknown.get_data(as_text=True), "nobody@foyer.example"
    )
    assert platform.get("/operator/").status_code == 302  # still signed out


def test_tenant_list_shows_status_and_hosts(console, make_tenant):
    acme = make_tenant(slug="acme", name="Acme Accounting")
    make_tenant(slug="gone", name="Gone Partners", status="suspended")
    db.session.add(Domain(tenant_id=acme.id, host="portal.acme-cpa.example", status="verified"))
    db.session.add(Domain(tenant_id=acme.id, host="pending.acme-cpa.example", status="pending"))
    db.session.commit()

    page = console.get("/operator/").get_data(as_text=True)
    acme_row = _row(page, "acme")
    assert "Acme Accounting" in acme_row and "active" in acme_row
    assert "acme.foyer.example" in acme_row and "portal.acme-cpa.example" in acme_row
    assert "pending.acme-cpa.example" not in page
    gone_row = _row(page, "gone")
    assert "Gone Partners" in gone_row and "suspended" in gone_row


def _row(page: str, slug: str) -> str:
    match = re.search(rf"<tr>\s*<td>{slug}</td>.*?</tr>", page, re.S)
    assert match, f"no row for {slug}"
    return match.group(0)


def test_create_tenant_form_provisions_and_invites(console, smtp, client_for):
    form = console.get("/operator/tenants/new").get_data(as_text=True)
    for label in ("Slug", "Firm name", "Owner email"):
        assert f">{label}</label>" in form
    response = console.submit(
        "/operator/tenants/new",
        {"slug": "newco", "name": "NewCo Advisors", "owner_email": "boss@newco.example"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.request.path == "/operator/"
    assert "Tenant NewCo Advisors created; the owner has been emailed an invitation." in page
    assert "newco.foyer.example" in _row(page, "newco")

    (message,) = smtp.wait_for(1, to="boss@newco.example")
    assert "https://newco.foyer.example/admin/invitation/" in message.get_body().get_content()
    assert client_for("newco.foyer.example").get("/robots.txt").status_code == 200


FORM_ERRORS = (
    ({"slug": "admin"}, "&#39;admin&#39; is reserved by the platform; choose another slug."),
    ({"slug": "a"}, "The slug must be 3 to 32 characters"),
    ({"slug": "new_co"}, "The slug must be 3 to 32 characters"),
    ({"slug": "taken"}, "A tenant with the slug &#39;taken&#39; already exists."),
    ({"slug": ""}, "This field is required."),
    ({"name": ""}, "This field is required."),
    ({"owner_email": "boss-at-newco"}, "That email address is not valid"),
    ({"owner_email": ""}, "This field is required."),
)


def test_create_tenant_form_explains_bad_input_and_creates_nothing(console, make_tenant, smtp):
    make_tenant(slug="taken", name="Taken LLP")
    before = rows(Tenant), rows(StaffMember), rows(OutboxMessage)
    fields = {"slug": "newco", "name": "NewCo Advisors", "owner_email": "boss@newco.example"}
    for data, message in FORM_ERRORS:
        response = console.submit("/operator/tenants/new", fields | data)
        assert response.status_code == 422, data
        page = response.get_data(as_text=True)
        assert message in page, data
        assert 'role="alert"' in page
    assert (rows(Tenant), rows(StaffMember), rows(OutboxMessage)) == before
    assert smtp.messages == []


def test_mailbox_lists_what_the_platform_sent(console, smtp):
    console.submit(
        "/operator/tenants/new",
        {"slug": "newco", "name": "NewCo Advisors", "owner_email": "boss@newco.example"},
    )
    smtp.wait_for(1)
    mailbox = console.get("/operator/mailbox").get_data(as_text=True)
    assert "boss@newco.example" in mailbox
    assert "NewCo Advisors: you&#39;re invited to manage the client portal" in mailbox
    assert "sent" in mailbox
    message_id = db.session.scalar(select(OutboxMessage.id))
    message = console.get(f"/operator/mailbox/{message_id}").get_data(as_text=True)
    assert "https://newco.foyer.example/admin/invitation/" in message
    assert console.get("/operator/mailbox/999999").status_code == 404


def test_sign_out_ends_the_session_even_for_a_copied_cookie(console, client_for):
    stolen = console.get_cookie("__Host-foyer", domain="foyer.example").value
    replay = client_for("foyer.example")
    replay.set_cookie("__Host-foyer", stolen, domain="foyer.example")
    assert replay.get("/operator/").status_code == 200  # the copy works while signed in

    response = console.post(
        "/operator/sign-out", data={"csrf_token": _token(console, "/operator/")}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/operator/sign-in"
    assert console.get("/operator/").status_code == 302

    replay = client_for("foyer.example")
    replay.set_cookie("__Host-foyer", stolen, domain="foyer.example")
    response = replay.get("/operator/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/operator/sign-in")


def test_posts_without_a_csrf_token_are_rejected(console):
    response = console.post(
        "/operator/tenants/new",
        data={"slug": "newco", "name": "NewCo", "owner_email": "boss@newco.example"},
    )
    assert response.status_code == 400
    assert rows(Tenant) == 0
    assert console.post("/operator/sign-out").status_code == 400
    assert console.get("/operator/").status_code == 200  # still signed in


def test_sign_in_without_a_csrf_token_is_rejected(client_for, make_operator):
    make_operator()
    fresh = client_for("foyer.example")
    response = fresh.post(
        "/operator/sign-in", data={"email": "ops@foyer.example", "password": OPERATOR_PASSWORD}
    )
    assert response.status_code == 400
    assert fresh.get("/operator/").status_code == 302


def test_operator_sign_in_is_rate_limited(platform, make_operator):
    make_operator()
    for _ in range(20):
        assert WRONG in sign_in(platform, password="guess guess guess").get_data(as_text=True)
    blocked = sign_in(platform)  # even the right password, once the account is locked out
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 15 * 60


def test_console_stylesheets_and_scripts_load_on_the_platform_host(platform):
    """The console's pages link the workspace's CSS and scripts; on the platform host they
    answered 404, so the console had no styles at all."""
    page = platform.get("/operator/sign-in").get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/admin/static/[^"]+)"', page)
    assert any(a.endswith("pico.min.css") for a in assets), assets
    for asset in assets:
        response = platform.get(asset)
        assert response.status_code == 200, asset
        assert response.data
    assert platform.get("/admin/static/../__init__.py").status_code == 404
