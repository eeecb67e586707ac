"""The client's profile: details and language, and changing the sign-in email address end to
end over the real SMTP server (link to the new address, notice to the old one)."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.clients.models import AccountContact, Contact
from portal.core.extensions import db
from tests.fixtures.people import CLIENT_PASSWORD, tenant_host
from tests.fixtures.smtp import text_of
from tests.profile.conftest import CLIENT_EMAIL

NEW_EMAIL = "ivy.new@client.example"
CONFIRM = re.compile(r"https://[^\s\"<>]+(/profile/email/confirm/[A-Za-z0-9_-]+)")


def _ask_change(client, email: str = NEW_EMAIL, password: str = CLIENT_PASSWORD):  # type: ignore[no-untyped-def]
    return client.submit(
        "/profile", {"email-email": email, "email-password": password}, action="/profile/email"
    )


def _contact() -> Contact:
    contact = db.session.scalar(select(Contact).where(Contact.email.like("ivy%")))
    assert contact is not None
    db.session.refresh(contact)
    return contact


def test_details_and_language_are_saved(active_client) -> None:  # type: ignore[no-untyped-def]
    client = active_client()
    page = client.get("/profile").get_data(as_text=True)
    assert "Your profile" in page and CLIENT_EMAIL in page
    assert 'href="/notifications/preferences"' in page and 'href="/security"' in page
    saved = client.submit(
        "/profile",
        {
            "details-name": "Ivy  Jones",
            "details-phone": "+1 (555) 010-2030",
            "details-language": "fr",
        },
    )
    assert saved.status_code == 303
    contact = _contact()
    assert (contact.name, contact.phone, contact.language) == (
        "Ivy Jones",
        "+1 (555) 010-2030",
        "fr",
    )
    bad = client.submit(
        "/profile",
        {"details-name": "Ivy", "details-phone": "call me maybe", "details-language": ""},
    )
    assert bad.status_code == 422
    assert 'value="call me maybe"' in bad.get_data(as_text=True)  # what was typed stays
    assert _contact().phone == "+1 (555) 010-2030"


def test_changing_the_email_address_end_to_end(active_client, client_for, tenant, smtp) -> None:  # type: ignore[no-untyped-def]
    client = active_client()
    smtp.clear()
    asked = _ask_change(client)
    assert asked.status_code == 303
    page = client.get("/profile").get_data(as_text=True)
    assert f"sent a confirmation link to {NEW_EMAIL}" in page
    assert f"A change to {NEW_EMAIL} is waiting" in page
    assert _contact().email == CLIENT_EMAIL  # nothing changes before the link
    link = CONFIRM.search(text_of(smtp.wait_for(1, to=NEW_EMAIL)[-1]))
    assert link
    scanner = client_for(tenant_host(tenant))
    shown = scanner.get(link.group(1))
    assert shown.status_code == 200 and "Confirm new address" in shown.get_data(as_text=True)
    assert _contact().email == CLIENT_EMAIL  # a mail scanner's GET changes nothing
    confirmed = scanner.submit(link.group(1), {})
    assert confirmed.status_code == 303
    assert _contact().email == NEW_EMAIL
    notice = text_of(smtp.wait_for(1, to=CLIENT_EMAIL)[-1])
    assert f"changed from {CLIENT_EMAIL} to {NEW_EMAIL}" in notice
    assert scanner.get(link.group(1)).status_code == 404  # used once
    # The new address signs in; the old one no longer does.
    fresh = client_for(tenant_host(tenant))
    assert (
        fresh.submit("/sign-in", {"email": NEW_EMAIL, "password": CLIENT_PASSWORD}).status_code
        == 302
    )
    old = client_for(tenant_host(tenant))
    assert (
        old.submit("/sign-in", {"email": CLIENT_EMAIL, "password": CLIENT_PASSWORD}).status_code
        == 422
    )


def test_an_address_of_another_contact_is_refused_without_saying_so(  # type: ignore[no-untyped-def]
    active_client, smtp
) -> None:
    client = active_client()
    active_client("max@client.example", "Max Co")
    smtp.clear()
    taken = _ask_change(client, "max@client.example")
    free = _ask_change(client, NEW_EMAIL)
    assert taken.status_code == free.status_code == 303
    first = client.get("/profile").get_data(as_text=True)
    assert "sent a confirmation link to" in first
    notice = text_of(smtp.wait_for(1, to="max@client.example")[-1])
    assert (
        "already belongs to another account" in notice and "/profile/email/confirm/" not in notice
    )
    assert _contact().email == CLIENT_EMAIL


def test_the_email_change_needs_the_password_and_a_valid_address(active_client) -> None:  # type: ignore[no-untyped-def]
    client = active_client()
    wrong = _ask_change(client, password="not the password")
    assert wrong.status_code == 422
    assert "Your current password is not correct." in wrong.get_data(as_text=True)
    invalid = _ask_change(client, email="not-an-address")
    assert invalid.status_code == 422
    body = invalid.get_data(as_text=True)
    assert "Enter a valid email address." in body and 'value="not-an-address"' in body
    same = _ask_change(client, email=CLIENT_EMAIL)
    assert "That is already your email address." in same.get_data(as_text=True)


def test_a_garbage_confirmation_link_is_refused(active_client, client_for, tenant) -> None:  # type: ignore[no-untyped-def]
    active_client()
    response = client_for(tenant_host(tenant)).get("/profile/email/confirm/garbage")
    assert response.status_code == 404
    assert "This link cannot be used" in response.get_data(as_text=True)


def test_a_staff_preview_does_not_show_the_clients_devices(firm, active_client) -> None:  # type: ignore[no-untyped-def]
    active_client()
    contact = _contact()
    account_id = db.session.scalar(
        select(AccountContact.account_id).where(AccountContact.contact_id == contact.id)
    )
    started = firm.submit(
        f"/admin/clients/{account_id}",
        {},
        f"/admin/preview/accounts/{account_id}/contacts/{contact.id}",
    )
    assert started.status_code == 302
    page = firm.get("/profile").get_data(as_text=True)
    assert "Previewing as" in page and "Hidden in a preview." in page
    assert 'class="device"' not in page
