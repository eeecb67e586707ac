"""Passkeys of firm staff and operators, through the real pages, with a software
authenticator making genuine WebAuthn answers: registration, passwordless sign-in, the second
step after the password, refusals (origin, RP id, replay, copied authenticator), rename and
removal, and the firm's Settings › Security page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.factor_models import Passkey, PasskeyChallenge
from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.models import Domain, DomainStatus
from tests.fixtures.people import sign_in_staff, tenant_host
from tests.fixtures.tenants import OPERATOR_PASSWORD, PLATFORM_DOMAIN, STAFF_PASSWORD
from tests.passkeys.authenticator import SoftAuthenticator
from tests.passkeys.conftest import add_passkey, options, passkey_sign_in


def flashes(client: Any, page: str) -> str:
    return client.get(page).get_data(as_text=True)


def test_staff_adds_a_passkey_and_signs_in_with_it_alone(firm, key, client_for, tenant):
    added = add_passkey(firm, key, name="Work laptop")
    assert added.status_code == 302, added.get_data(as_text=True)
    page = firm.get("/admin/security").get_data(as_text=True)
    assert "Work laptop" in page and "acme.foyer.example" in page
    row = db.session.scalar(select(Passkey))
    assert row.rp_id == "acme.foyer.example" and row.principal_kind == "staff"

    browser = client_for(tenant_host(tenant))
    sign_in_page = browser.get("/admin/sign-in").get_data(as_text=True)
    assert "Sign in with a passkey" in sign_in_page and "passkeys.js" in sign_in_page
    response = passkey_sign_in(browser, key)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/")
    assert browser.get("/admin/").status_code == 200
    db.session.expire_all()
    assert db.session.get(Passkey, row.id).last_used_at is not None


def test_a_passkey_is_offered_as_the_second_step(firm, key, client_for, tenant, staff):
    add_passkey(firm, key)
    browser = client_for(tenant_host(tenant))
    response = browser.submit("/admin/sign-in", {"email": staff.email, "password": STAFF_PASSWORD})
    assert response.headers["Location"].endswith("/admin/sign-in/verify")
    verify = browser.get("/admin/sign-in/verify").get_data(as_text=True)
    assert "Use a passkey" in verify
    assert browser.get("/admin/").status_code == 302  # nothing granted yet
    got = options(browser, "/admin/sign-in/verify", "/admin/sign-in/verify/passkey/options")
    assert [c["id"] for c in got["allowCredentials"]]  # only this person's passkeys
    answer = key.get(got)
    done = browser.submit(
        "/admin/sign-in/verify", {"credential": answer}, "/admin/sign-in/verify/passkey"
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/")
    assert browser.get("/admin/").status_code == 200


def test_an_answer_from_another_origin_is_refused(firm, key, client_for, tenant):
    add_passkey(firm, key)
    key.origin = "https://acme.foyer.example.evil.example"
    browser = client_for(tenant_host(tenant))
    response = passkey_sign_in(browser, key)
    assert response.headers["Location"].endswith("/admin/sign-in")
    assert "The passkey could not be checked" in flashes(browser, "/admin/sign-in")
    assert browser.get("/admin/").status_code == 302


def test_an_answer_signed_for_another_rp_id_is_refused(firm, key, client_for, tenant):
    add_passkey(firm, key)
    browser = client_for(tenant_host(tenant))
    response = passkey_sign_in(browser, key, rp_id="evil.example")
    assert response.headers["Location"].endswith("/admin/sign-in")
    assert "The passkey could not be checked" in flashes(browser, "/admin/sign-in")
    assert browser.get("/admin/").status_code == 302


def test_registration_for_another_origin_is_refused(firm, key):
    key.origin = "https://evil.example"
    response = add_passkey(firm, key)
    assert response.status_code == 422
    assert "The passkey could not be checked" in response.get_data(as_text=True)
    assert db.session.scalar(select(Passkey)) is None


def test_a_passkey_works_only_on_the_host_it_was_made_on(firm, key, make_tenant, client_for):
    add_passkey(firm, key)
    other = make_tenant(slug="other", name="Other LLP")
    browser = client_for(tenant_host(other))
    key.origin = f"https://{tenant_host(other)}"
    got = options(browser, "/admin/sign-in", "/admin/sign-in/passkey/options")
    assert got["rpId"] == "other.foyer.example"
    answer = key.get(got, credential=key.credentials[0], rp_id="other.foyer.example")
    response = browser.submit("/admin/sign-in", {"credential": answer}, "/admin/sign-in/passkey")
    assert response.headers["Location"].endswith("/admin/sign-in")
    assert "not registered for this sign-in page" in flashes(browser, "/admin/sign-in")


def test_a_challenge_is_used_once(firm, key, client_for, tenant):
    add_passkey(firm, key)
    browser = client_for(tenant_host(tenant))
    got = options(browser, "/admin/sign-in", "/admin/sign-in/passkey/options")
    answer = key.get(got)
    first = browser.submit("/admin/sign-in", {"credential": answer}, "/admin/sign-in/passkey")
    assert first.headers["Location"].endswith("/admin/")
    browser.post("/admin/sign-out", data={"csrf_token": _csrf(browser, "/admin/")})
    # The same answer again (same session cookie jar, challenge already taken): refused.
    again = browser.submit("/admin/sign-in", {"credential": answer}, "/admin/sign-in/passkey")
    assert again.headers["Location"].endswith("/admin/sign-in")
    assert "expired or was already used" in flashes(browser, "/admin/sign-in")
    assert browser.get("/admin/").status_code == 302
    assert db.session.scalar(select(PasskeyChallenge)) is None  # nothing left behind


def test_a_signature_counter_going_back_is_flagged(firm, key, client_for, tenant):
    add_passkey(firm, key)
    assert (
        passkey_sign_in(client_for(tenant_host(tenant)), key)
        .headers["Location"]
        .endswith("/admin/")
    )
    key.credentials[0].sign_count = 0  # a copy of the key, with its own counter
    browser = client_for(tenant_host(tenant))
    refused = passkey_sign_in(browser, key)
    assert refused.headers["Location"].endswith("/admin/sign-in")
    assert "may have been copied" in flashes(browser, "/admin/sign-in")
    assert browser.get("/admin/").status_code == 302
    assert "unexpected sign-in count" in firm.get("/admin/security").get_data(as_text=True)
    events = db.session.scalars(select(AuditEvent.event).where(AuditEvent.tenant_id == tenant.id))
    assert "passkey.clone_suspected" in set(events)


def test_staff_passkeys_do_not_sign_in_on_the_client_page(firm, key, client_for, tenant):
    add_passkey(firm, key)
    tenant.allow_client_passkeys = True
    db.session.commit()
    _forget()
    browser = client_for(tenant_host(tenant))
    answer = key.get(options(browser, "/sign-in", "/sign-in/passkey/options"))
    response = browser.submit("/sign-in", {"credential": answer}, "/sign-in/passkey")
    assert response.headers["Location"].endswith("/sign-in")
    assert "not registered for this sign-in page" in flashes(browser, "/sign-in")


def test_rename_and_remove_with_the_current_password(firm, key, client_for, tenant):
    add_passkey(firm, key, name="Old phone")
    passkey_id = db.session.scalar(select(Passkey.id))
    page = f"/admin/security/passkeys/{passkey_id}/rename"
    assert firm.submit(page, {"name": "  "}).status_code == 422
    assert firm.submit(page, {"name": "Blue phone"}).status_code == 302
    assert "Blue phone" in firm.get("/admin/security").get_data(as_text=True)

    remove = f"/admin/security/passkeys/{passkey_id}/remove"
    wrong = firm.submit(remove, {"password": "not my password"})
    assert wrong.status_code == 422
    assert "That password is not right" in wrong.get_data(as_text=True)
    assert db.session.scalar(select(Passkey.id)) == passkey_id
    assert firm.submit(remove, {"password": STAFF_PASSWORD}).status_code == 302
    assert "No passkeys yet" in firm.get("/admin/security").get_data(as_text=True)
    assert db.session.scalar(select(Passkey.id)) is None
    browser = client_for(tenant_host(tenant))
    passkey_sign_in(browser, key)
    assert "not registered for this sign-in page" in flashes(browser, "/admin/sign-in")


def test_without_javascript_the_form_says_why(firm):
    page = firm.get("/admin/security/passkeys/new").get_data(as_text=True)
    assert "Passkeys need JavaScript" in page
    options(firm, "/admin/security/passkeys/new", "/admin/security/passkeys/options")
    response = firm.submit("/admin/security/passkeys/new", {"name": "Laptop", "credential": ""})
    assert response.status_code == 422
    assert "Your browser did not send a passkey" in response.get_data(as_text=True)
    assert 'value="Laptop"' in response.get_data(as_text=True)


@pytest.mark.tenant(slug="acme", name="Acme Accounting", require_staff_2fa=True)
def test_a_passkey_satisfies_the_firm_requirement(client_for, tenant, staff, key):
    browser = client_for(tenant_host(tenant))
    sign_in_staff(browser, staff.email)
    assert browser.get("/admin/").headers["Location"].endswith("/admin/security")
    assert add_passkey(browser, key).status_code == 302
    assert browser.get("/admin/").status_code == 200


def test_settings_security_page_saves_both_settings(firm, tenant):
    page = firm.get("/admin/settings/security").get_data(as_text=True)
    assert "Staff must use a second factor" in page and "Clients may use passkeys" in page
    saved = firm.submit(
        "/admin/settings/security", {"require_staff_2fa": "y", "allow_client_passkeys": "y"}
    )
    assert saved.status_code == 302
    db.session.refresh(tenant)
    assert tenant.require_staff_2fa and tenant.allow_client_passkeys
    assert "Security settings saved" in firm.get("/admin/settings/security").get_data(as_text=True)
    nav = firm.get("/admin/").get_data(as_text=True)
    assert "/admin/settings/security" in nav and "/admin/security" in nav


def test_a_member_cannot_change_security_settings(make_staff, client_for, tenant):
    member = make_staff(tenant, "member@acme.example", role="member")
    browser = client_for(tenant_host(tenant))
    sign_in_staff(browser, member.email)
    assert browser.get("/admin/settings/security").status_code == 403
    assert browser.get("/admin/security").status_code == 200  # their own factors


def test_operator_signs_in_with_a_passkey(make_app, make_operator):
    app = make_app(REQUIRE_OPERATOR_2FA=True)
    with app.app_context():
        operator = make_operator()
        browser = app.test_client(host=PLATFORM_DOMAIN)
        browser.submit(
            "/operator/sign-in", {"email": operator.email, "password": OPERATOR_PASSWORD}
        )
        assert browser.get("/operator/").headers["Location"].endswith("/operator/security")
        key = SoftAuthenticator(origin=f"https://{PLATFORM_DOMAIN}")
        assert add_passkey(browser, key, "/operator").status_code == 302
        assert browser.get("/operator/").status_code == 200  # the passkey is the factor
        row = db.session.scalar(select(Passkey))
        assert row.tenant_id is None and row.rp_id == PLATFORM_DOMAIN
        fresh = app.test_client(host=PLATFORM_DOMAIN)
        assert "Sign in with a passkey" in fresh.get("/operator/sign-in").get_data(as_text=True)
        response = passkey_sign_in(fresh, key, "/operator")
        assert response.headers["Location"].endswith("/operator/")
        assert fresh.get("/operator/").status_code == 200


def _csrf(client: Any, page: str) -> str:
    from tests.fixtures.tenants import csrf_from

    return csrf_from(client.get(page).get_data(as_text=True))


def _forget() -> None:
    from tenants.resolution import forget_tenants

    forget_tenants()


def test_an_expired_challenge_is_refused(firm, key, client_for, tenant):
    add_passkey(firm, key)
    browser = client_for(tenant_host(tenant))
    answer = key.get(options(browser, "/admin/sign-in", "/admin/sign-in/passkey/options"))
    challenge = db.session.scalar(select(PasskeyChallenge))
    challenge.expires_at = utcnow() - timedelta(seconds=1)  # five minutes later
    db.session.commit()
    response = browser.submit("/admin/sign-in", {"credential": answer}, "/admin/sign-in/passkey")
    assert response.headers["Location"].endswith("/admin/sign-in")
    assert "expired or was already used" in flashes(browser, "/admin/sign-in")
    assert browser.get("/admin/").status_code == 302


def test_a_challenge_belongs_to_the_session_that_asked(firm, key, client_for, tenant):
    add_passkey(firm, key)
    victim = client_for(tenant_host(tenant))
    answer = key.get(options(victim, "/admin/sign-in", "/admin/sign-in/passkey/options"))
    thief = client_for(tenant_host(tenant))  # has no handle for that challenge
    response = thief.submit("/admin/sign-in", {"credential": answer}, "/admin/sign-in/passkey")
    assert response.headers["Location"].endswith("/admin/sign-in")
    assert thief.get("/admin/").status_code == 302


def test_a_custom_domain_is_its_own_relying_party(tenant, staff, client_for):
    custom = "portal.acme-cpa.example"
    db.session.add(Domain(tenant_id=tenant.id, host=custom, status=DomainStatus.VERIFIED))
    db.session.commit()
    _forget()
    browser = client_for(custom)
    sign_in_staff(browser, staff.email)
    key = SoftAuthenticator(origin=f"https://{custom}")
    assert add_passkey(browser, key).status_code == 302
    assert db.session.scalar(select(Passkey.rp_id)) == custom
    fresh = client_for(custom)
    assert passkey_sign_in(fresh, key).headers["Location"].endswith("/admin/")
    # The same passkey is worthless on the firm's platform subdomain.
    elsewhere = client_for(tenant_host(tenant))
    key.origin = f"https://{tenant_host(tenant)}"
    got = options(elsewhere, "/admin/sign-in", "/admin/sign-in/passkey/options")
    answer = key.get(got, credential=key.credentials[0], rp_id=tenant_host(tenant))
    refused = elsewhere.submit("/admin/sign-in", {"credential": answer}, "/admin/sign-in/passkey")
    assert refused.headers["Location"].endswith("/admin/sign-in")
    assert elsewhere.get("/admin/").status_code == 302
