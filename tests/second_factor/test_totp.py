"""TOTP second factor: enrolment, the verify step, replay, recovery codes, lockout and the
emailed unlock link, and the firm and operator requirements."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest

from tests.fixtures.people import sign_in_staff, tenant_host
from tests.fixtures.smtp import text_of
from tests.fixtures.tenants import OPERATOR_PASSWORD, PLATFORM_DOMAIN, STAFF_PASSWORD

SECRET = re.compile(r'class="totp-secret">([A-Z2-7]+)<')
CODES = re.compile(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>")
UNLOCK = re.compile(r"https?://[^\s\"<>]+/admin/sign-in/unlock/[A-Za-z0-9_-]+")


def enrol(client: Any, prefix: str = "/admin") -> tuple[pyotp.TOTP, list[str]]:
    """Set up the authenticator app through the pages; returns it and the recovery codes."""
    page = client.get(f"{prefix}/security/authenticator").get_data(as_text=True)
    assert "<svg" in page  # the QR code, inline
    totp = pyotp.TOTP(SECRET.search(page).group(1))
    response = client.submit(f"{prefix}/security/authenticator", {"code": totp.now()})
    assert response.status_code == 200, response.get_data(as_text=True)
    codes = CODES.findall(response.get_data(as_text=True))
    assert len(codes) == 10
    return totp, codes


def next_code(totp: pyotp.TOTP) -> str:
    """The code of the next step (enrolment spent the current one; ±1 step is accepted)."""
    return totp.at(time.time() + totp.interval)


def start_sign_in(
    client: Any, email: str, prefix: str = "/admin", password: str = STAFF_PASSWORD
) -> None:
    response = client.submit(f"{prefix}/sign-in", {"email": email, "password": password})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{prefix}/sign-in/verify")


@pytest.fixture
def enrolled(firm: Any) -> tuple[pyotp.TOTP, list[str]]:
    return enrol(firm)


def test_enrolment_shows_the_qr_and_secret_once(firm):
    totp, _codes = enrol(firm)
    page = firm.get("/admin/security").get_data(as_text=True)
    assert "Set up on" in page and "10 recovery codes left" in page
    assert totp.secret not in page
    # The enrolment page does not show the confirmed secret again.
    again = firm.get("/admin/security/authenticator")
    assert again.status_code == 302
    assert totp.secret not in firm.get(again.headers["Location"]).get_data(as_text=True)


def test_wrong_confirmation_code_is_refused(firm):
    firm.get("/admin/security/authenticator")
    response = firm.submit("/admin/security/authenticator", {"code": "000000"})
    assert response.status_code == 422
    assert "That code is not right" in response.get_data(as_text=True)


def test_sign_in_asks_for_the_code_and_grants_nothing_before(enrolled, client_for, tenant, staff):
    totp, _ = enrolled
    client = client_for(tenant_host(tenant))
    start_sign_in(client, staff.email)
    assert client.get("/admin/").status_code == 302  # half signed in: not the dashboard
    wrong = client.submit("/admin/sign-in/verify", {"code": "123456"})
    assert wrong.status_code == 422
    assert "not right" in wrong.get_data(as_text=True)
    response = client.submit("/admin/sign-in/verify", {"code": next_code(totp)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_code_cannot_be_used_twice(enrolled, client_for, tenant, staff):
    totp, _ = enrolled
    code = next_code(totp)
    first = client_for(tenant_host(tenant))
    start_sign_in(first, staff.email)
    assert first.submit("/admin/sign-in/verify", {"code": code}).status_code == 302
    second = client_for(tenant_host(tenant))
    start_sign_in(second, staff.email)
    replay = second.submit("/admin/sign-in/verify", {"code": code})
    assert replay.status_code == 422
    assert second.get("/admin/").status_code == 302


def test_a_recovery_code_works_once(enrolled, client_for, tenant, staff):
    _, codes = enrolled
    client = client_for(tenant_host(tenant))
    start_sign_in(client, staff.email)
    assert client.submit("/admin/sign-in/verify", {"code": codes[0]}).status_code == 302
    assert "9 recovery codes left" in client.get("/admin/security").get_data(as_text=True)
    other = client_for(tenant_host(tenant))
    start_sign_in(other, staff.email)
    assert other.submit("/admin/sign-in/verify", {"code": codes[0]}).status_code == 422


def test_five_wrong_codes_lock_and_the_emailed_link_lets_in_once(
    enrolled, client_for, tenant, staff, smtp
):
    totp, _ = enrolled
    client = client_for(tenant_host(tenant))
    start_sign_in(client, staff.email)
    for _ in range(5):
        response = client.submit("/admin/sign-in/verify", {"code": "000000"})
        assert response.status_code == 422
    assert "Too many wrong codes" in response.get_data(as_text=True)
    # Locked: even the right code is refused now.
    locked = client.submit("/admin/sign-in/verify", {"code": next_code(totp)})
    assert "Too many wrong codes" in locked.get_data(as_text=True)
    (message,) = smtp.wait_for(1, to=staff.email)
    link = UNLOCK.search(text_of(message)).group(0)
    path = link.split(PLATFORM_DOMAIN, 1)[1].split("/", 1)[1]
    path = "/" + path
    assert client.get(path).status_code == 200  # opening does not use it up
    used = client.submit(path, {})
    assert used.status_code == 302
    assert used.headers["Location"].endswith("/admin/security")
    assert client.get("/admin/").status_code == 302  # must enrol again first
    assert "Set up an authenticator app" in client.get("/admin/security").get_data(as_text=True)
    again = client_for(tenant_host(tenant))
    assert again.get(path).status_code == 404  # used: the link no longer works
    assert again.get(path.rsplit("/", 1)[0] + "/garbage").status_code == 404


def test_without_a_factor_staff_sign_in_as_before(client_for, tenant, staff):
    client = client_for(tenant_host(tenant))
    sign_in_staff(client, staff.email)
    assert client.get("/admin/").status_code == 200


@pytest.mark.tenant(slug="acme", name="Acme Accounting", require_staff_2fa=True)
def test_firm_setting_forces_staff_to_enrol(client_for, tenant, staff):
    client = client_for(tenant_host(tenant))
    sign_in_staff(client, staff.email)
    blocked = client.get("/admin/")
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith("/admin/security")
    assert "must set up a second factor" in client.get("/admin/security").get_data(as_text=True)
    enrol(client)
    assert client.get("/admin/").status_code == 200


def test_operators_must_enrol(make_app, make_operator):
    app = make_app(REQUIRE_OPERATOR_2FA=True)
    with app.app_context():
        operator = make_operator()
        client = app.test_client(host=PLATFORM_DOMAIN)
        response = client.submit(
            "/operator/sign-in", {"email": operator.email, "password": OPERATOR_PASSWORD}
        )
        assert response.status_code == 302
        blocked = client.get("/operator/")
        assert blocked.headers["Location"].endswith("/operator/security")
        totp, _ = enrol(client, "/operator")
        assert client.get("/operator/").status_code == 200
        client.post("/operator/sign-out", data={"csrf_token": _csrf(client)})
        start_sign_in(client, operator.email, "/operator", OPERATOR_PASSWORD)
        assert (
            client.submit("/operator/sign-in/verify", {"code": next_code(totp)}).status_code == 302
        )
        assert client.get("/operator/").status_code == 200


def _csrf(client: Any) -> str:
    from tests.fixtures.tenants import csrf_from

    return csrf_from(client.get("/operator/security").get_data(as_text=True))
