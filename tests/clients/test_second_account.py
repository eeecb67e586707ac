"""A person who already uses the portal and is added to another account gets a "you now also
see <account>" notice, never a second invitation; invitations name the accounts they are for."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.clients.models import ClientAccount, Invitation
from portal.core.extensions import db
from portal.mail.models import OutboxMessage
from tests.fixtures.people import invite_link_in, tenant_host
from tests.fixtures.smtp import html_of, text_of


def _account_id(name: str) -> int:
    return db.session.scalar(select(ClientAccount.id).where(ClientAccount.name == name))


def _active_client(create_client, accept_invitation, smtp, email: str) -> None:  # type: ignore[no-untyped-def]
    create_client(email, account="Jones Household")
    [invitation] = smtp.wait_for(1, to=email)
    assert "to see Jones Household" in text_of(invitation)
    assert "Jones Household" in html_of(invitation)
    assert invitation["Subject"].endswith("accept your invitation for Jones Household")
    accept_invitation(invite_link_in(text_of(invitation)))
    smtp.clear()


def _invitations() -> tuple[int, int]:
    count = db.session.scalar(select(func.count(Invitation.id)))
    sent = db.session.scalar(select(func.sum(Invitation.send_count)))
    return count, sent


def _only_mail_is_the_notice(smtp, tenant, email: str, account: str) -> None:  # type: ignore[no-untyped-def]
    [notice] = smtp.wait_for(1, to=email)
    assert notice["Subject"] == f"Acme Accounting: you now also see {account}"
    body = text_of(notice)
    assert f"You now also see {account} in the Acme Accounting client portal." in body
    assert f"https://{tenant_host(tenant)}/" in body
    assert "/invite/" not in body and "/invite/" not in html_of(notice)
    assert [str(m["To"]) for m in smtp.messages] == [email]
    assert _invitations() == (1, 1)  # still the first invitation, sent once


def test_new_client_account_for_an_active_client_sends_a_notice(
    firm, tenant, smtp, create_client, accept_invitation
):
    _active_client(create_client, accept_invitation, smtp, "jane@client.example")
    response = firm.submit(
        "/admin/clients/new",
        {
            "account_name": "Jones Trust",
            "kind": "company",
            "email": "jane@client.example",
            "login": "y",
            "send_invite": "y",
            "personal_message": "",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "already uses the portal; we told them they now also see it." in page
    _only_mail_is_the_notice(smtp, tenant, "jane@client.example", "Jones Trust")
    account = firm.get(f"/admin/clients/{_account_id('Jones Trust')}").get_data(as_text=True)
    assert ">Active</span>" in account and "2 time(s)" not in account


def test_add_contact_and_turning_login_on_send_one_notice_each(
    firm, tenant, smtp, create_client, accept_invitation
):
    _active_client(create_client, accept_invitation, smtp, "jane@client.example")
    other = create_client("someone@client.example", account="Smith LLC", invite=False)
    firm.submit(
        f"/admin/clients/{other}",
        {"email": "jane@client.example", "name": "", "login": "y"},
        action=f"/admin/clients/{other}/contacts",
    )
    _only_mail_is_the_notice(smtp, tenant, "jane@client.example", "Smith LLC")

    # Added again (already has access): nothing more. Without login: nothing either.
    smtp.clear()
    firm.submit(
        f"/admin/clients/{other}",
        {"email": "jane@client.example", "name": "", "login": "y"},
        action=f"/admin/clients/{other}/contacts",
    )
    third = create_client("x@client.example", account="Third Co", invite=False)
    firm.submit(
        f"/admin/clients/{third}",
        {"email": "jane@client.example", "name": ""},
        action=f"/admin/clients/{third}/contacts",
    )
    assert (
        db.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "account_added")
        )
        == 1
    )

    # Turning login on for that link later is the moment they gain the account.
    contact_id = db.session.scalar(
        select(Invitation.contact_id)  # jane's only invitation
    )
    firm.submit(
        f"/admin/clients/{third}",
        {"enabled": "1"},
        action=f"/admin/clients/{third}/contacts/{contact_id}/login",
    )
    _only_mail_is_the_notice(smtp, tenant, "jane@client.example", "Third Co")


def test_settings_invites_tells_an_active_client_instead_of_inviting(
    firm, tenant, smtp, create_client, accept_invitation
):
    _active_client(create_client, accept_invitation, smtp, "jane@client.example")
    other = create_client("someone@client.example", account="Smith LLC", invite=False)
    page = firm.submit(
        "/admin/settings/invites",
        {"email": "jane@client.example", "account_id": other, "personal_message": ""},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "already uses the portal; we told them they now also see Smith LLC." in page
    _only_mail_is_the_notice(smtp, tenant, "jane@client.example", "Smith LLC")


def test_invitation_names_every_account_it_opens(firm, tenant, smtp, create_client):
    create_client("pat@client.example", account="Pat Household")
    smtp.wait_for(1)
    other = create_client("co@client.example", account="Pat Holdings", invite=False)
    smtp.clear()
    firm.submit(
        "/admin/settings/invites",
        {"email": "pat@client.example", "account_id": other, "personal_message": ""},
    )
    [mail] = smtp.wait_for(1, to="pat@client.example")
    assert "to see Pat Holdings, Pat Household." in text_of(mail)
    assert mail["Subject"].endswith("accept your invitation for Pat Holdings and 1 more")
