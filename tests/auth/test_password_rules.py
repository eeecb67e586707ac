"""The email address and its close variants are refused on every set-password path; passphrases
that merely contain a name are allowed (issue #11, items 5 and 17)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.auth.passwords import password_problem
from portal.auth.staff import create_operator, provision_tenant
from portal.clients.models import Contact
from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.models import Tenant
from tenants.resolution import forget_tenants
from tests.fixtures.people import invite_link_in, tenant_host
from tests.fixtures.smtp import text_of

EMAIL_REFUSED = "Don&#39;t use your email address, or the part before the @, as your password."
FIRM_REFUSED = "Don&#39;t use the firm&#39;s name in your password."
RESET_LINK = re.compile(r"https://[^\s\"<>]+/reset-password/[A-Za-z0-9_-]+")
STAFF_LINK = re.compile(r"https://[a-z0-9.-]+/admin/invitation/[A-Za-z0-9_-]+")
FIRM = "Acme Accounting"


@pytest.mark.parametrize(
    ("password", "email"),
    [
        ("px@clients.example", "px@clients.example"),  # the example
        ("PX@Clients.Example", "px@clients.example"),
        ("px@clients.example2025", "px@clients.example"),
        ("2025px@clients.example!", "px@clients.example"),
        ("px@clients.example px@clients.example", "px@clients.example"),
        ("px12345678", "px@clients.example"),  # local part with digits appended
        ("markanthony", "markanthony@acme.example"),  # the local part alone
        ("MarkAnthony99!", "markanthony@acme.example"),
        ("mark.anthony.2024", "mark.anthony@acme.example"),
        ("Mark Anthony 1", "mark.anthony@acme.example"),
        ("owner-owner-owner", "owner@acme.example"),
        ("ｍａｒｋａｎｔｈｏｎｙ", "markanthony@acme.example"),  # fullwidth letters
        ("ivy@münchen.example", "ivy@xn--mnchen-3ya.example"),  # the Unicode domain as typed
    ],
)
def test_the_address_and_close_variants_are_refused(password: str, email: str) -> None:
    problem = password_problem(password, email=email, firm_name=FIRM)
    assert problem == "Don't use your email address, or the part before the @, as your password."


@pytest.mark.parametrize(
    ("password", "email"),
    [
        ("mark loves tax season 2025", "mark@acme.example"),  # issue #17
        ("my name is markanthony and I pay tax", "markanthony@acme.example"),
        ("ivy keeps receipts in a shoebox", "ivy@client.example"),
        ("quiet harbour ledger 17", "owner@acme.example"),
        ("px and the clients example!", "px@clients.example"),
    ],
)
def test_passphrases_that_merely_contain_a_name_are_allowed(password: str, email: str) -> None:
    assert password_problem(password, email=email, firm_name=FIRM) is None


def test_the_firm_name_message_does_not_blame_the_email_address() -> None:
    problem = password_problem("acme accounting rocks", email="owner@acme.example", firm_name=FIRM)
    assert problem == "Don't use the firm's name in your password."
    assert "email" not in problem


def test_operator_accounts_refuse_their_own_address(app) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match="your email address"):
        create_operator("ops.person@foyer.example", "ops.person@foyer.example")
    assert create_operator("ops.person@foyer.example", "ops person guards the gate")


def _set_password(client, path: str, password: str):  # type: ignore[no-untyped-def]
    return client.submit(path, {"password": password, "confirm": password})


def test_client_invitation_refuses_the_address(create_client, smtp, client_for, tenant) -> None:  # type: ignore[no-untyped-def]
    create_client("px@clients.example")
    link = invite_link_in(text_of(smtp.wait_for(1, to="px@clients.example")[-1]))
    client = client_for(tenant_host(tenant))
    path = urlsplit(link).path
    for password in ("px@clients.example", "PX@clients.example1", "px1234567890"):
        refused = _set_password(client, path, password)
        assert refused.status_code == 422, password
        assert EMAIL_REFUSED in refused.get_data(as_text=True)
    firm_name = _set_password(client, path, "Acme Accounting 2025")
    assert firm_name.status_code == 422
    assert FIRM_REFUSED in firm_name.get_data(as_text=True)
    accepted = _set_password(client, path, "px loves tax season 2025")
    assert accepted.status_code == 302


def test_password_reset_refuses_the_address(active_client, smtp, client_for, tenant) -> None:  # type: ignore[no-untyped-def]
    active_client("mark@clients.example")
    visitor = client_for(tenant_host(tenant))
    visitor.submit("/forgot-password", {"email": "mark@clients.example"})
    message = smtp.wait_for(2, to="mark@clients.example")[-1]
    match = RESET_LINK.search(text_of(message))
    assert match, text_of(message)
    path = urlsplit(match.group(0)).path
    for password in ("mark@clients.example", "Mark@Clients.Example!", "MarkMarkMark2025"):
        refused = _set_password(visitor, path, password)
        assert refused.status_code == 422, password
        assert EMAIL_REFUSED in refused.get_data(as_text=True)
    assert _set_password(visitor, path, "mark loves tax season 2025").status_code == 302


def test_staff_invitation_refuses_the_address(app, smtp, client_for) -> None:  # type: ignore[no-untyped-def]
    provision_tenant("acme", FIRM, "mark.owner@acme.example")
    db.session.commit()
    forget_tenants()
    link = STAFF_LINK.search(text_of(smtp.wait_for(1, to="mark.owner@acme.example")[0]))
    assert link
    parts = urlsplit(link.group(0))
    client = client_for(parts.hostname)
    for password in ("mark.owner@acme.example", "MARK.OWNER@ACME.EXAMPLE", "markowner2025"):
        refused = _set_password(client, parts.path, password)
        assert refused.status_code == 422, password
        assert EMAIL_REFUSED in refused.get_data(as_text=True)
    assert _set_password(client, parts.path, "mark owner files on time").status_code == 302


def test_sign_up_refuses_the_address(client_for, tenant) -> None:  # type: ignore[no-untyped-def]
    row = db.session.get(Tenant, tenant.id)
    row.signup_mode = "open"
    db.session.commit()
    forget_tenants()
    visitor = client_for(tenant_host(tenant))
    email = "samantha@client.example"

    def register(password: str):  # type: ignore[no-untyped-def]
        data = {"name": "Sam", "email": email, "password": password, "confirm": password}
        return visitor.submit("/sign-up", data)

    for password in (email, "Samantha@Client.Example", "Samantha.Samantha.1"):
        refused = register(password)
        assert refused.status_code == 422, password
        assert EMAIL_REFUSED in refused.get_data(as_text=True)
    assert db.session.scalar(select(Contact.id)) is None
    assert register("samantha keeps receipts").status_code == 302
    assert db.session.scalar(select(Contact.email)) == email
