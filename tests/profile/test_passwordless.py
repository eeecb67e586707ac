"""Passwordless sign-in end to end over the real SMTP server: the code and the one-click link,
a mail scanner's GET that signs nobody in, limited wrong codes, the same answer for an unknown
address, the second factor still asked, and the firm's three settings."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select

from portal.auth.models import SignInCode
from portal.core.extensions import db
from tests.fixtures.people import tenant_host
from tests.fixtures.smtp import text_of
from tests.fixtures.tenants import csrf_from
from tests.profile.conftest import CLIENT_EMAIL, settings

CODE = re.compile(r"^[ \t]+(\d{6})\s*$", re.M)
LINK = re.compile(r"https://[^\s\"<>]+(/sign-in/link/[A-Za-z0-9_-]+)")
TOKEN = re.compile(r"<input[^>]*csrf_token[^>]*>")


@pytest.fixture
def both(tenant):  # type: ignore[no-untyped-def]
    settings(tenant.id, client_sign_in="password_or_email")
    return tenant


@pytest.fixture
def visitor(client_for, tenant):  # type: ignore[no-untyped-def]
    return client_for(tenant_host(tenant))


def _ask(visitor, email: str = CLIENT_EMAIL):  # type: ignore[no-untyped-def]
    response = visitor.submit("/sign-in/code", {"email": email})
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in/code/enter"
    return visitor.get("/sign-in/code/enter").get_data(as_text=True)


def _email(smtp):  # type: ignore[no-untyped-def]
    return text_of(smtp.wait_for(1, to=CLIENT_EMAIL)[-1])


def test_sign_in_with_the_emailed_code(  # type: ignore[no-untyped-def]
    active_client, both, visitor, client_for, tenant, smtp
) -> None:
    active_client()
    smtp.clear()
    assert "Email me a sign-in code instead" in visitor.get("/sign-in").get_data(as_text=True)
    page = _ask(visitor)
    assert f"If {CLIENT_EMAIL} has access to the portal" in page
    body = _email(smtp)
    code = CODE.search(body)
    assert code and LINK.search(body)
    assert "sign-in code" in str(smtp.wait_for(1, to=CLIENT_EMAIL)[-1]["Subject"])
    signed_in = visitor.submit("/sign-in/code/enter", {"code": code.group(1)})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/"
    assert visitor.get("/").status_code == 200
    other = client_for(tenant_host(tenant))  # the same code again, in another browser
    with other.session_transaction(base_url=f"https://{other.host}") as session:
        session["sign_in_code_email"] = CLIENT_EMAIL
    replay = other.submit("/sign-in/code/enter", {"code": code.group(1)})
    assert replay.status_code == 422 and other.get("/").status_code == 302


def test_the_link_signs_in_only_after_the_button(  # type: ignore[no-untyped-def]
    active_client, both, client_for, tenant, smtp
) -> None:
    active_client()
    smtp.clear()
    _ask(client_for(tenant_host(tenant)))
    path = LINK.search(_email(smtp))
    assert path
    scanner = client_for(tenant_host(tenant))
    shown = scanner.get(path.group(1))
    assert shown.status_code == 200 and "Continue to sign in" in shown.get_data(as_text=True)
    assert scanner.get(path.group(1)).status_code == 200  # a second scan: still unused
    assert scanner.get("/").status_code == 302  # the scanner is not signed in
    person = client_for(tenant_host(tenant))
    signed_in = person.submit(path.group(1), {})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/"
    assert person.get("/").status_code == 200
    used = client_for(tenant_host(tenant)).get(path.group(1))
    assert used.status_code == 404
    assert "This sign-in link is not valid" in used.get_data(as_text=True)


def test_wrong_codes_are_limited(active_client, both, visitor, smtp) -> None:  # type: ignore[no-untyped-def]
    active_client()
    smtp.clear()
    _ask(visitor)
    code = CODE.search(_email(smtp))
    assert code
    wrong = "000000" if code.group(1) != "000000" else "111111"
    for _ in range(5):
        response = visitor.submit("/sign-in/code/enter", {"code": wrong})
        assert response.status_code == 422
        assert "That code is not right" in response.get_data(as_text=True)
    late = visitor.submit("/sign-in/code/enter", {"code": code.group(1)})
    assert late.status_code == 422  # the fifth wrong entry invalidated the code
    assert visitor.get("/").status_code == 302
    row = db.session.scalar(select(SignInCode))
    assert row is not None and row.invalidated_at is not None and row.attempts == 5


def test_an_unknown_address_gets_the_same_answer_and_no_email(  # type: ignore[no-untyped-def]
    active_client, both, visitor, smtp
) -> None:
    active_client()
    smtp.clear()
    known = _ask(visitor).replace(CLIENT_EMAIL, "EMAIL")
    unknown = _ask(visitor, "nobody@client.example").replace("nobody@client.example", "EMAIL")
    assert TOKEN.sub("", known) == TOKEN.sub("", unknown)  # but for the (timed) CSRF token
    smtp.wait_for(1, to=CLIENT_EMAIL)
    assert not [m for m in smtp.messages if "nobody@" in str(m["To"])]
    assert db.session.scalar(select(SignInCode).where(SignInCode.email != CLIENT_EMAIL)) is None


def test_a_second_factor_is_still_asked(active_client, both, visitor, smtp) -> None:  # type: ignore[no-untyped-def]
    client = active_client()
    page = client.get("/security/authenticator").get_data(as_text=True)
    secret = re.search(r"\b([A-Z2-7]{32})\b", page)
    assert secret, "no secret on the enrolment page"
    enrolled = client.submit("/security/authenticator", {"code": pyotp.TOTP(secret.group(1)).now()})
    assert enrolled.status_code in (200, 302, 303)
    smtp.clear()
    _ask(visitor)
    code = CODE.search(_email(smtp))
    assert code
    response = visitor.submit("/sign-in/code/enter", {"code": code.group(1)})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in/verify")
    assert visitor.get("/").status_code == 302  # not in before the second factor


def test_password_only_firms_offer_no_code(active_client, visitor) -> None:  # type: ignore[no-untyped-def]
    active_client()
    assert "Email me a sign-in code" not in visitor.get("/sign-in").get_data(as_text=True)
    assert visitor.get("/sign-in/code").status_code == 404


def test_email_only_firms_sign_in_without_passwords(active_client, tenant, visitor, smtp) -> None:  # type: ignore[no-untyped-def]
    active_client()
    settings(tenant.id, client_sign_in="email")
    response = visitor.get("/sign-in?next=/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in/code?next=/profile"
    page = visitor.get("/sign-in/code").get_data(as_text=True)
    assert "Email me a sign-in code" in page and "password" not in page.lower()
    token = csrf_from(page)
    posted = visitor.post(
        "/sign-in",
        data={"csrf_token": token, "email": CLIENT_EMAIL, "password": "maple kettle horizon 58"},
    )
    assert posted.status_code == 302 and visitor.get("/").status_code == 302


def test_the_firm_chooses_how_clients_sign_in(firm, tenant, visitor) -> None:  # type: ignore[no-untyped-def]
    page = firm.get("/admin/settings/portal").get_data(as_text=True)
    assert "How clients sign in" in page and "Only a code or link sent by email" in page
    saved = firm.submit(
        "/admin/settings/portal",
        {
            "welcome_message": "",
            "invite_expiry_days": "14",
            "expired_invite_action": "resend",
            "signup_mode": "invite_only",
            "unverified_purge_days": "7",
            "client_sign_in": "email",
        },
    )
    assert saved.status_code == 302
    assert visitor.get("/sign-in").headers["Location"] == "/sign-in/code"
    refused = firm.submit(
        "/admin/settings/portal",
        {
            "welcome_message": "",
            "invite_expiry_days": "14",
            "expired_invite_action": "resend",
            "signup_mode": "invite_only",
            "unverified_purge_days": "7",
            "client_sign_in": "garbage",
        },
    )
    assert refused.status_code == 422 and "Not a valid choice" in refused.get_data(as_text=True)
