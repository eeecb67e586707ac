"""The firm's owner is invited by email when the tenant is created, sets a password, signs in."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, update

from portal.auth.models import StaffInvitation, StaffMember
from portal.auth.staff import invite_staff, provision_tenant
from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.models import Domain, DomainStatus, Tenant
from tenants.resolution import forget_tenants, snapshot_of
from tests.fixtures.smtp import html_of, text_of
from tests.fixtures.tenants import OPERATOR_PASSWORD

GOOD_PASSWORD = "copper meadow stanza 81"
LINK = re.compile(r"https://[a-z0-9.-]+/admin/invitation/[A-Za-z0-9_-]+")
INVALID = "This invitation link is no longer valid"


def provision(slug: str = "acme", name: str = "Acme Accounting", owner: str = "owner@acme.example"):  # type: ignore[no-untyped-def]
    tenant, _link = provision_tenant(slug, name, owner)
    db.session.commit()
    forget_tenants()
    return tenant


def link_in(message) -> str:  # type: ignore[no-untyped-def]
    match = LINK.search(text_of(message))
    assert match, text_of(message)
    return match.group(0)


@pytest.fixture
def invitation(app, smtp, client_for):  # type: ignore[no-untyped-def]
    """The owner's invitation link as emailed, and a browser on its host."""
    provision()
    link = link_in(smtp.wait_for(1, to="owner@acme.example")[0])
    parts = urlsplit(link)
    return client_for(parts.hostname), parts.path


def accept(client, path: str, password: str = GOOD_PASSWORD, confirm: str | None = None):  # type: ignore[no-untyped-def]
    data = {"password": password, "confirm": password if confirm is None else confirm}
    return client.submit(path, data)


def test_owner_invitation_email_is_branded_and_links_to_the_tenant(app, smtp):
    provision()
    (message,) = smtp.wait_for(1, to="owner@acme.example")
    sender = message["From"].addresses[0]
    assert sender.display_name == "Acme Accounting"
    assert sender.addr_spec == app.config["MAIL_DEFAULT_SENDER"]
    assert "Acme Accounting" in message["Subject"]
    link = link_in(message)
    assert link.startswith("https://acme.foyer.example/admin/invitation/")
    assert f'href="{link}"' in html_of(message)
    assert "Acme Accounting" in html_of(message)
    assert "expires in 7 days" in text_of(message)


@pytest.mark.parametrize("trusted_proxies", [0, 1])
def test_invitation_link_uses_the_canonical_host_whatever_the_request_said(
    make_app, make_operator, smtp, trusted_proxies
):
    """Links come from the tenant's stored host, never from Host or X-Forwarded-* headers."""
    console_app = make_app(TRUSTED_PROXIES=trusted_proxies)
    with console_app.app_context():
        make_operator()
    console = console_app.test_client(host="admin.foyer.example:8443")
    forged = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}
    if trusted_proxies:  # a trusted proxy's headers are believed, so they must reach the console
        forged = {"X-Forwarded-Host": "admin.foyer.example:8443", "X-Forwarded-Proto": "https"}
    signed_in = console.submit(
        "/operator/sign-in",
        {"email": "ops@foyer.example", "password": OPERATOR_PASSWORD},
        headers=forged,
    )
    assert signed_in.status_code == 302
    created = console.submit(
        "/operator/tenants/new",
        {"slug": "newco", "name": "NewCo Advisors", "owner_email": "boss@newco.example"},
        headers=forged,
    )
    assert created.status_code == 302
    (message,) = smtp.wait_for(1, to="boss@newco.example")
    assert link_in(message).startswith("https://newco.foyer.example/admin/invitation/")
    assert "evil.example" not in text_of(message) and "8443" not in text_of(message)


def test_invitation_link_uses_the_tenants_primary_custom_domain(app, smtp, client_for):
    tenant = provision()
    smtp.wait_for(1)
    smtp.clear()
    tenant = db.session.get(Tenant, tenant.id)
    tenant.primary_host = "portal.acme-cpa.example"
    db.session.add(
        Domain(tenant_id=tenant.id, host="portal.acme-cpa.example", status=DomainStatus.VERIFIED)
    )
    owner = db.session.scalar(select(StaffMember).where(StaffMember.tenant_id == tenant.id))
    invite_staff(snapshot_of(tenant), owner)
    db.session.commit()
    forget_tenants()

    link = link_in(smtp.wait_for(1)[0])
    assert link.startswith("https://portal.acme-cpa.example/admin/invitation/")
    client = client_for("portal.acme-cpa.example")
    assert accept(client, urlsplit(link).path).status_code == 302


def test_opening_the_link_does_not_use_it_up(invitation):
    client, path = invitation
    for _ in range(3):  # mail scanners and link previews only GET
        page = client.get(path)
        assert page.status_code == 200
        assert "owner@acme.example" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert accept(client, path).status_code == 302


def test_accept_form_has_labelled_fields_and_states_the_rules(invitation):
    client, path = invitation
    page = client.get(path).get_data(as_text=True)
    assert '<label for="password">New password</label>' in page
    assert '<label for="confirm">Confirm password</label>' in page
    assert "At least 10 characters" in page


def test_weak_passwords_are_refused_with_a_reason(invitation):
    client, path = invitation
    for password, message in (
        ("short", "Use at least 10 characters."),
        ("Password123!", "This password is too common; it appears in lists of breached passwords."),
        ("acme accounting rocks", "Don&#39;t use the firm&#39;s name in your password."),
        ("owner-owner-owner", "Don&#39;t use your email address, or the part before the @,"),
    ):
        response = accept(client, path, password)
        assert response.status_code == 422, password
        assert message in response.get_data(as_text=True), password
        assert client.get("/admin/").status_code == 302  # not signed in
    assert accept(client, path).status_code == 302  # the invitation is still usable


def test_mismatched_confirmation_is_refused(invitation):
    client, path = invitation
    response = accept(client, path, GOOD_PASSWORD, confirm=GOOD_PASSWORD + "x")
    assert response.status_code == 422
    assert "The passwords do not match." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_good_password_signs_in_and_the_link_then_stops_working(invitation, client_for):
    client, path = invitation
    response = accept(client, path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert "owner@acme.example" in dashboard.get_data(as_text=True)

    used = client_for("acme.foyer.example").get(path)
    assert used.status_code == 404
    assert INVALID in used.get_data(as_text=True)

    # The new password is the owner's from now on.
    other = client_for("acme.foyer.example")
    signed_in = other.submit(
        "/admin/sign-in", {"email": "owner@acme.example", "password": GOOD_PASSWORD}
    )
    assert signed_in.status_code == 302


def test_a_used_link_cannot_be_replayed_with_a_form_fetched_before(invitation, client_for):
    client, path = invitation
    late = client_for("acme.foyer.example")
    token = re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', late.get(path).get_data(as_text=True)
    )
    assert accept(client, path).status_code == 302
    replay = late.post(
        path,
        data={
            "csrf_token": token.group(1),
            "password": "another passphrase 77",
            "confirm": "another passphrase 77",
        },
    )
    assert replay.status_code == 404
    assert late.get("/admin/").status_code == 302


def test_expired_invitation_is_refused(invitation):
    client, path = invitation
    db.session.execute(update(StaffInvitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 404
    assert INVALID in response.get_data(as_text=True)
    assert "owner@acme.example" not in response.get_data(as_text=True)


def test_a_newer_invitation_replaces_the_older_one(invitation, smtp):
    client, old_path = invitation
    smtp.clear()
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "acme"))
    owner = db.session.scalar(select(StaffMember).where(StaffMember.tenant_id == tenant.id))
    invite_staff(snapshot_of(tenant), owner)
    db.session.commit()
    new_path = urlsplit(link_in(smtp.wait_for(1)[0])).path
    assert client.get(old_path).status_code == 404
    assert accept(client, new_path).status_code == 302


def test_a_tenants_invitation_is_refused_on_another_tenants_host(invitation, smtp, client_for):
    client, path = invitation
    provision("beta", "Beta Bookkeeping", "owner@beta.example")
    beta = client_for("beta.foyer.example")
    response = beta.get(path)
    assert response.status_code == 404
    assert "owner@acme.example" not in response.get_data(as_text=True)
    assert accept(client, path).status_code == 302  # still good where it belongs


def test_staff_sign_in_is_rate_limited_per_account(invitation, client_for):
    client, path = invitation
    assert accept(client, path).status_code == 302
    attacker = client_for("acme.foyer.example")
    for _ in range(20):
        response = attacker.submit(
            "/admin/sign-in", {"email": "owner@acme.example", "password": "wrong guess 123"}
        )
        assert "Email or password is incorrect." in response.get_data(as_text=True)
    blocked = attacker.submit(
        "/admin/sign-in", {"email": "owner@acme.example", "password": GOOD_PASSWORD}
    )
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 15 * 60
    assert "Too many attempts" in blocked.get_data(as_text=True)
    other_account = attacker.submit(
        "/admin/sign-in", {"email": "someone@acme.example", "password": "wrong guess 123"}
    )
    assert other_account.status_code == 422  # the limit is per account, not global
