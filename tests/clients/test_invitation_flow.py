"""Invite → email → link → password → signed in → welcome, through real HTTP and SMTP."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.clients.models import Contact, Invitation
from portal.core.extensions import db
from tenants.models import Tenant
from tenants.resolution import forget_tenants
from tests.fixtures.people import CLIENT_PASSWORD, invite_link_in, tenant_host
from tests.fixtures.smtp import html_of, text_of


def _set_welcome(tenant_id: int, text: str) -> None:
    db.session.get(Tenant, tenant_id).welcome_message = text
    db.session.commit()
    forget_tenants()


def test_invited_client_accepts_and_sees_welcome(firm, tenant, smtp, create_client, client_for):
    _set_welcome(tenant.id, "Upload your 2025 tax documents under Files.\nThanks!")
    account_id = create_client(
        "jane@client.example", name="Jane Jones", message="Hi Jane, see you soon"
    )

    [mail] = smtp.wait_for(1, to="jane@client.example")
    assert mail["Subject"] == "Acme Accounting portal: accept your invitation for Jones Household"
    assert "Acme Accounting" in mail["From"]
    body = text_of(mail)
    assert "Hi Jane, see you soon" in body
    assert "Hi Jane, see you soon" in html_of(mail)
    link = invite_link_in(body)
    assert link.startswith(f"https://{tenant_host(tenant)}/invite/")
    assert link in html_of(mail)

    client = client_for(tenant_host(tenant))
    path = link.split(tenant_host(tenant), 1)[1]
    page = client.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Welcome to Acme Accounting" in text and "jane@client.example" in text
    assert "At least 10 characters" in text
    assert page.headers["Referrer-Policy"] == "no-referrer"

    weak = client.submit(path, {"password": "password123", "confirm": "password123"})
    assert "too common" in weak.get_data(as_text=True)
    mismatch = client.submit(path, {"password": CLIENT_PASSWORD, "confirm": CLIENT_PASSWORD + "x"})
    assert "do not match" in mismatch.get_data(as_text=True)

    accepted = client.submit(path, {"password": CLIENT_PASSWORD, "confirm": CLIENT_PASSWORD})
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/"
    home = client.get("/")
    assert "Jones Household" in home.get_data(as_text=True)
    # Messages is on: the firm's welcome is the first message of a Welcome thread, delivered once.
    inbox = client.get("/messages/").get_data(as_text=True)
    assert "Welcome" in inbox
    thread = re.search(r'href="(/messages/\d+)"', inbox)
    assert thread is not None
    assert "Upload your 2025 tax documents under Files." in client.get(thread[1]).get_data(
        as_text=True
    )
    client.get("/")
    assert client.get("/messages/").get_data(as_text=True).count('href="/messages/') == (
        inbox.count('href="/messages/')
    )

    [welcome] = smtp.wait_for(2, to="jane@client.example")[1:]
    assert welcome["Subject"] == "Welcome to the Acme Accounting client portal"
    assert f"https://{tenant_host(tenant)}/" in text_of(welcome)

    staff_view = firm.get(f"/admin/clients/{account_id}").get_data(as_text=True)
    assert "Active" in staff_view and "Last login" in staff_view

    reused = client_for(tenant_host(tenant)).get(path)
    assert reused.status_code == 410
    assert "already been used" in reused.get_data(as_text=True)


def test_scanner_get_does_not_redeem(
    firm, tenant, smtp, create_client, client_for, accept_invitation
):
    create_client("scan@client.example")
    link = invite_link_in(text_of(smtp.wait_for(1)[0]))
    path = link.split(tenant_host(tenant), 1)[1]
    for _ in range(3):
        assert client_for(tenant_host(tenant)).get(path).status_code == 200
    invitation = db.session.scalar(select(Invitation))
    db.session.refresh(invitation)
    assert invitation.accepted_at is None
    accept_invitation(link)


def test_signed_in_client_can_sign_out_and_back_in(
    firm, tenant, smtp, create_client, accept_invitation, client_for
):
    create_client("pat@client.example")
    client = accept_invitation(invite_link_in(text_of(smtp.wait_for(1)[0])))
    old_cookie = client.get_cookie("__Host-foyer", domain=tenant_host(tenant)).value
    assert client.submit("/", {}, action="/sign-out").status_code == 302
    client.set_cookie("__Host-foyer", old_cookie, domain=tenant_host(tenant))
    assert client.get("/").status_code == 302, "a signed-out session cookie must not work again"

    fresh = client_for(tenant_host(tenant))
    wrong = fresh.submit("/sign-in", {"email": "pat@client.example", "password": "nope nope nope"})
    unknown = fresh.submit(
        "/sign-in", {"email": "nobody@client.example", "password": "nope nope nope"}
    )
    assert "Email or password is incorrect." in wrong.get_data(as_text=True)
    assert wrong.status_code == unknown.status_code == 422
    assert "Email or password is incorrect." in unknown.get_data(as_text=True)

    before = fresh.get_cookie("__Host-foyer", domain=tenant_host(tenant)).value
    ok = fresh.submit("/sign-in", {"email": " PAT@client.example ", "password": CLIENT_PASSWORD})
    assert ok.status_code == 302
    assert fresh.get_cookie("__Host-foyer", domain=tenant_host(tenant)).value != before
    assert "Jones Household" in fresh.get("/").get_data(as_text=True)
    contact = db.session.scalar(select(Contact).where(Contact.email == "pat@client.example"))
    db.session.refresh(contact)
    assert contact.last_login_at is not None
