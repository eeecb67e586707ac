"""Client sign-in limits, password reset, account switching and access removal."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from portal.clients.models import ClientAccount, Contact, PasswordReset
from portal.core.database import utcnow
from portal.core.extensions import db
from tests.fixtures.people import CLIENT_PASSWORD, invite_link_in, tenant_host
from tests.fixtures.smtp import text_of

RESET_LINK = re.compile(r"https://[^\s\"<>]+/reset-password/[A-Za-z0-9_-]+")
NEW_PASSWORD = "copper lantern meadow 91"


def _active_client(create_client, accept_invitation, smtp, email="ivy@client.example", **kw):  # type: ignore[no-untyped-def]
    account_id = create_client(email, **kw)
    client = accept_invitation(invite_link_in(text_of(smtp.wait_for(1, to=email)[-1])))
    return account_id, client


def test_sign_in_is_rate_limited_per_address(
    firm, tenant, smtp, create_client, accept_invitation, client_for
):
    _active_client(create_client, accept_invitation, smtp)
    client = client_for(tenant_host(tenant))
    for _ in range(20):
        client.submit(
            "/sign-in", {"email": "ivy@client.example", "password": "wrong password here"}
        )
    limited = client.submit(
        "/sign-in", {"email": "ivy@client.example", "password": CLIENT_PASSWORD}
    )
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert "Too many attempts" in limited.get_data(as_text=True)


def test_forgot_password_answers_the_same_and_the_link_works_once(
    firm, tenant, smtp, create_client, accept_invitation, client_for
):
    _, signed_in = _active_client(create_client, accept_invitation, smtp)
    smtp.clear()
    visitor = client_for(tenant_host(tenant))
    known = visitor.submit("/forgot-password", {"email": "ivy@client.example"})
    unknown = visitor.submit("/forgot-password", {"email": "nobody@client.example"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    [mail] = smtp.wait_for(1)
    assert mail["To"] == "ivy@client.example"
    link = RESET_LINK.search(text_of(mail)).group(0)
    assert link.startswith(f"https://{tenant_host(tenant)}/reset-password/")
    path = link.split(tenant_host(tenant))[1]

    page = visitor.get(path)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    done = visitor.submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert visitor.get(path).status_code == 404, "a reset link works once"
    assert signed_in.get("/").status_code == 302, "other sessions end when the password changes"
    assert "was changed" in smtp.wait_for(2)[-1]["Subject"]

    fresh = client_for(tenant_host(tenant))
    assert (
        fresh.submit(
            "/sign-in", {"email": "ivy@client.example", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )


def test_reset_link_expires_after_an_hour(
    firm, tenant, smtp, create_client, accept_invitation, client_for
):
    _active_client(create_client, accept_invitation, smtp)
    visitor = client_for(tenant_host(tenant))
    visitor.submit("/forgot-password", {"email": "ivy@client.example"})
    link = RESET_LINK.search(text_of(smtp.wait_for(3)[-1])).group(0)
    reset = db.session.scalar(select(PasswordReset))
    assert abs(reset.expires_at - reset.created_at - timedelta(hours=1)) < timedelta(seconds=5)
    db.session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert visitor.get(link.split(tenant_host(tenant))[1]).status_code == 404


def test_forgot_password_is_rate_limited(firm, tenant, client_for):
    visitor = client_for(tenant_host(tenant))
    statuses = [
        visitor.submit("/forgot-password", {"email": "x@client.example"}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429


def test_contact_with_two_accounts_switches_between_them(
    firm, tenant, smtp, create_client, accept_invitation
):
    first_id, client = _active_client(create_client, accept_invitation, smtp, account="Alpha Ltd")
    second = firm.submit(
        "/admin/clients/new",
        {
            "account_name": "Beta Ltd",
            "kind": "company",
            "email": "ivy@client.example",
            "login": "y",
        },
    )
    second_id = int(second.headers["Location"].rsplit("/", 1)[1])
    home = client.get("/").get_data(as_text=True)
    assert "<h1>Alpha Ltd</h1>" in home and "Beta Ltd" in home
    client.submit("/", {"account_id": second_id}, action="/switch-account")
    assert "<h1>Beta Ltd</h1>" in client.get("/").get_data(as_text=True)

    stranger = db.session.scalar(
        select(ClientAccount.id).where(ClientAccount.id.not_in([first_id, second_id]))
    )
    assert stranger is None
    outsider = firm.submit(
        "/admin/clients/new",
        {"account_name": "Gamma Ltd", "kind": "company", "email": "other@client.example"},
    )
    gamma_id = int(outsider.headers["Location"].rsplit("/", 1)[1])
    assert client.submit("/", {"account_id": gamma_id}, action="/switch-account").status_code == 404


def test_turning_login_off_ends_the_clients_access(
    firm, tenant, smtp, create_client, accept_invitation, client_for
):
    account_id, client = _active_client(create_client, accept_invitation, smtp)
    contact_id = db.session.scalar(select(Contact.id))
    firm.submit(
        f"/admin/clients/{account_id}",
        {"enabled": "0"},
        action=f"/admin/clients/{account_id}/contacts/{contact_id}/login",
    )
    assert client.get("/").status_code == 302
    again = client_for(tenant_host(tenant)).submit(
        "/sign-in", {"email": "ivy@client.example", "password": CLIENT_PASSWORD}
    )
    assert "Email or password is incorrect." in again.get_data(as_text=True)


def test_new_client_form_rejects_bad_input_and_keeps_nothing(firm, tenant, smtp):
    cases = [
        ({"account_name": "", "email": "a@client.example"}, "This field is required."),
        ({"account_name": "X", "email": "not-an-email"}, "not valid"),
        ({"account_name": "X" * 201, "email": "a@client.example"}, "200 characters"),
        (
            {"account_name": "X", "email": "a@client.example", "personal_message": "m" * 2001},
            "2000 characters",
        ),
    ]
    for data, message in cases:
        response = firm.submit("/admin/clients/new", {"kind": "company", "login": "y", **data})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True), message
    assert db.session.scalar(select(ClientAccount.id)) is None
    assert smtp.messages == []


def test_settings_invites_needs_the_settings_permission(firm, tenant, smtp, make_staff, client_for):
    from tests.fixtures.people import sign_in_staff

    firm.submit(
        "/admin/clients/new",
        {"account_name": "Delta", "kind": "company", "email": "d@client.example"},
    )
    delta = db.session.scalar(select(ClientAccount.id))
    sent = firm.submit(
        "/admin/settings/invites",
        {"email": "new@client.example", "account_id": delta, "personal_message": "Welcome aboard"},
    )
    assert sent.status_code == 302
    assert "Welcome aboard" in text_of(smtp.wait_for(1, to="new@client.example")[0])
    bad = firm.submit("/admin/settings/invites", {"email": "x@client.example", "account_id": 99999})
    assert "Not a valid choice" in bad.get_data(as_text=True)

    make_staff(tenant, "member@acme.example", role="member")
    member = client_for(tenant_host(tenant))
    sign_in_staff(member, "member@acme.example")
    assert member.get("/admin/settings/invites").status_code == 403
    assert member.get("/admin/clients/").status_code == 200


def test_staff_of_another_tenant_cannot_reach_these_clients(
    firm, tenant, make_tenant, make_staff, client_for, smtp
):
    from tests.fixtures.people import sign_in_staff

    firm.submit(
        "/admin/clients/new",
        {"account_name": "Secret Co", "kind": "company", "email": "s@client.example"},
    )
    account_id = db.session.scalar(select(ClientAccount.id))
    other = make_tenant(slug="rival", name="Rival LLP")
    make_staff(other, "boss@rival.example")
    rival = client_for(tenant_host(other))
    sign_in_staff(rival, "boss@rival.example")
    assert rival.get(f"/admin/clients/{account_id}").status_code == 404
    assert "Secret Co" not in rival.get("/admin/clients/").get_data(as_text=True)
