"""Client passkeys: refused while the firm's setting is off, then added, used to sign in
without a password and as the second step, and removed with the current password."""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.factor_models import Passkey
from portal.core.extensions import db
from tenants.resolution import forget_tenants
from tests.fixtures.people import tenant_host
from tests.fixtures.tenants import csrf_from
from tests.passkeys.conftest import CLIENT_PASSWORD, add_passkey, options, passkey_sign_in


def allow_client_passkeys(firm) -> None:  # type: ignore[no-untyped-def]
    response = firm.submit("/admin/settings/security", {"allow_client_passkeys": "y"})
    assert response.status_code == 302
    forget_tenants()


def test_refused_while_the_firm_setting_is_off(make_client, client_for, tenant):
    client = make_client()
    assert "Passkeys" not in client.get("/security").get_data(as_text=True)
    assert client.get("/security/passkeys/new").status_code == 404
    stranger = client_for(tenant_host(tenant))
    assert "Sign in with a passkey" not in stranger.get("/sign-in").get_data(as_text=True)
    refused = stranger.submit("/sign-in", {"credential": "{}"}, "/sign-in/passkey")
    assert refused.status_code == 404


def test_client_adds_a_passkey_and_signs_in_with_it(firm, make_client, client_for, tenant, key):
    allow_client_passkeys(firm)
    client = make_client()
    assert "Add a passkey" in client.get("/security").get_data(as_text=True)
    added = add_passkey(client, key, prefix="", name="Carol's phone")
    assert added.status_code == 302, added.get_data(as_text=True)
    assert "Carol&#39;s phone" in client.get("/security").get_data(as_text=True)

    browser = client_for(tenant_host(tenant))
    page = browser.get("/sign-in").get_data(as_text=True)
    assert "Sign in with a passkey" in page and "passkeys.js" in page
    response = passkey_sign_in(browser, key, prefix="")
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert browser.get("/security").status_code == 200

    # Once set up, the passkey is also the second step after the password.
    second = client_for(tenant_host(tenant))
    started = second.submit(
        "/sign-in", {"email": "carol@birch.example", "password": CLIENT_PASSWORD}
    )
    assert started.headers["Location"].endswith("/sign-in/verify")
    assert "Use a passkey" in second.get("/sign-in/verify").get_data(as_text=True)
    answer = key.get(options(second, "/sign-in/verify", "/sign-in/verify/passkey/options"))
    done = second.submit("/sign-in/verify", {"credential": answer}, "/sign-in/verify/passkey")
    assert done.status_code == 302
    assert second.get("/security").status_code == 200


def test_turning_the_setting_off_stops_client_passkeys(firm, make_client, client_for, tenant, key):
    allow_client_passkeys(firm)
    client = make_client()
    add_passkey(client, key, prefix="")
    firm.submit("/admin/settings/security", {})
    forget_tenants()
    browser = client_for(tenant_host(tenant))
    token = csrf_from(browser.get("/sign-in").get_data(as_text=True))
    assert (
        browser.post("/sign-in/passkey/options", headers={"X-CSRFToken": token}).status_code == 404
    )
    # The password alone signs in again: a passkey the firm turned off is no second step.
    started = browser.submit(
        "/sign-in", {"email": "carol@birch.example", "password": CLIENT_PASSWORD}
    )
    assert started.status_code == 302 and not started.headers["Location"].endswith("/verify")
    page = browser.get("/security").get_data(as_text=True)
    assert "Your firm has turned passkeys off" in page


def test_client_removes_a_passkey(firm, make_client, key):
    allow_client_passkeys(firm)
    client = make_client()
    add_passkey(client, key, prefix="")
    passkey_id = db.session.scalar(select(Passkey.id))
    remove = f"/security/passkeys/{passkey_id}/remove"
    assert client.submit(remove, {"password": "wrong"}).status_code == 422
    assert client.submit(remove, {"password": CLIENT_PASSWORD}).status_code == 302
    assert db.session.scalar(select(Passkey.id)) is None
    assert "No passkeys yet" in client.get("/security").get_data(as_text=True)


def test_another_persons_passkey_is_not_found(firm, make_client, key):
    add_passkey(firm, key)  # the staff member's
    staff_passkey = db.session.scalar(select(Passkey.id))
    allow_client_passkeys(firm)
    client = make_client()
    assert client.get(f"/security/passkeys/{staff_passkey}/rename").status_code == 404
    assert client.get(f"/security/passkeys/{staff_passkey}/remove").status_code == 404
