"""Referral tests: a firm with direct sign-up and a programme (10 % and EUR 25 per sign-up),
and Pat, a signed-in client who refers."""

from __future__ import annotations

import re
from typing import Any

import pytest

from portal.core.extensions import db
from portal.referrals import programme
from tenants.models import Tenant
from tenants.resolution import forget_tenants
from tests.fixtures.people import invite_link_in
from tests.fixtures.smtp import text_of

PASSWORD = "violet summit canoe 27"
CODE = re.compile(r"^[ \t]+(\d{6})\s*$", re.M)
LINK = re.compile(r'value="https://[^/"]+(/r/[A-Za-z0-9_-]+)"')


def open_programme(tenant_id: int, **values: Any) -> None:
    data = {
        "enabled": True,
        "audience": "all",
        "tags": "",
        "cookie_days": "30",
        "percent": "10",
        "signup_amount": "25.00",
        "terms": "Paid monthly.",
    } | values
    programme.save_settings(tenant_id, programme.SettingsInput(**data), "EUR")
    db.session.commit()


@pytest.fixture
def open_tenant(tenant):  # type: ignore[no-untyped-def]
    row = db.session.get(Tenant, tenant.id)
    row.signup_mode = "open"
    row.currency = "EUR"
    db.session.commit()
    forget_tenants()
    return tenant


@pytest.fixture
def programme_on(open_tenant):  # type: ignore[no-untyped-def]
    open_programme(open_tenant.id)
    return open_tenant


@pytest.fixture
def referrer_account(create_client, programme_on) -> int:  # type: ignore[no-untyped-def]
    return create_client("pat@client.example", "Pat Household", name="Pat Doe")


@pytest.fixture
def referrer(referrer_account, smtp, accept_invitation):  # type: ignore[no-untyped-def]
    """Pat, signed in to the portal."""
    [mail] = smtp.wait_for(1, to="pat@client.example")
    return accept_invitation(invite_link_in(text_of(mail)))


def link_path(client) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/referrals/").get_data(as_text=True)
    match = LINK.search(page)
    assert match, page
    return match.group(1)


def sign_up(visitor, smtp, email: str, name: str = "Sam Lee"):  # type: ignore[no-untyped-def]
    """Register and verify with the emailed code; returns the verify answer."""
    data = {"name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD}
    response = visitor.submit("/sign-up", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    code = CODE.search(text_of(smtp.wait_for(1, to=email)[-1])).group(1)
    return visitor.submit("/sign-up/verify", {"code": code})
