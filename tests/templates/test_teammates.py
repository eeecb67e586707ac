"""Clients invite their teammates, when the firm allows it, with optional approval."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.clients.models import Invitation
from portal.core.extensions import db
from tests.fixtures.people import invite_link_in
from tests.fixtures.smtp import text_of


def _settings(firm, *, allow: bool, approval: bool):  # type: ignore[no-untyped-def]
    data = {}
    if allow:
        data["clients_invite_teammates"] = "y"
    if approval:
        data["teammate_approval"] = "y"
    response = firm.submit("/admin/share/teammates", data)
    assert response.status_code == 302
    return response


def _active_client(smtp, create_client, accept_invitation):  # type: ignore[no-untyped-def]
    account_id = create_client("pat@client.example", name="Pat Client")
    client = accept_invitation(invite_link_in(text_of(smtp.wait_for(1)[0])))
    return account_id, client


def test_setting_off_hides_the_page(firm, smtp, create_client, accept_invitation):
    _, client = _active_client(smtp, create_client, accept_invitation)
    assert client.get("/teammates/").status_code == 404
    assert "Invite a teammate" not in client.get("/").get_data(as_text=True)


def test_approval_required_then_staff_approve_and_the_invitation_goes(
    firm, smtp, create_client, accept_invitation
):
    account_id, client = _active_client(smtp, create_client, accept_invitation)
    _settings(firm, allow=True, approval=True)
    assert "Invite a teammate" in client.get("/").get_data(as_text=True)
    asked = client.submit(
        "/teammates/",
        {"name": "Sam Partner", "email": "sam@client.example", "message": "Join us"},
    )
    assert asked.status_code == 302
    page = client.get("/teammates/").get_data(as_text=True)
    assert "waiting for approval" in page and "Sam Partner" in page
    again = client.submit("/teammates/", {"email": "sam@client.example"})
    assert again.status_code == 422 and "already waiting" in again.get_data(as_text=True)
    assert not [m for m in smtp.messages if "sam@client.example" in str(m["To"])]

    listing = firm.get("/admin/share/teammates").get_data(as_text=True)
    assert "Invited by Pat Client (client)" in listing and "sam@client.example" in listing
    request_id = re.search(r"/admin/share/teammates/(\d+)/approve", listing).group(1)
    approved = firm.submit(
        "/admin/share/teammates", {}, f"/admin/share/teammates/{request_id}/approve"
    )
    assert approved.status_code == 302
    [mail] = smtp.wait_for(1, to="sam@client.example")
    assert "Join us" in text_of(mail)
    account_page = firm.get(f"/admin/clients/{account_id}").get_data(as_text=True)
    assert "sam@client.example" in account_page and "by Pat Client (client)" in account_page
    pending = firm.get("/admin/clients/pending").get_data(as_text=True)
    assert "Pat Client (client)" in pending
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.email == "sam@client.example")
    )
    assert invitation.invited_by_contact_id is not None
    assert "invited" in client.get("/teammates/").get_data(as_text=True)


def test_without_approval_the_invitation_goes_at_once_and_decline_works(
    firm, smtp, create_client, accept_invitation
):
    _, client = _active_client(smtp, create_client, accept_invitation)
    _settings(firm, allow=True, approval=False)
    sent = client.submit("/teammates/", {"email": "now@client.example"})
    assert sent.status_code == 302
    smtp.wait_for(1, to="now@client.example")
    own = client.submit("/teammates/", {"email": "pat@client.example"})
    assert own.status_code == 422 and "your own address" in own.get_data(as_text=True)

    _settings(firm, allow=True, approval=True)
    client.submit("/teammates/", {"email": "no@client.example"})
    listing = firm.get("/admin/share/teammates").get_data(as_text=True)
    request_id = re.search(r"/admin/share/teammates/(\d+)/decline", listing).group(1)
    firm.submit("/admin/share/teammates", {}, f"/admin/share/teammates/{request_id}/decline")
    assert "not approved" in client.get("/teammates/").get_data(as_text=True)
    assert not [m for m in smtp.messages if "no@client.example" in str(m["To"])]


def test_a_member_without_settings_rights_cannot_change_the_setting(client_for, make_staff, tenant):
    from tests.fixtures.people import sign_in_staff, tenant_host

    member = client_for(tenant_host(tenant))
    sign_in_staff(member, make_staff(tenant, "member@acme.example", role="member").email)
    assert member.get("/admin/share/teammates").status_code == 200
    assert (
        member.submit("/admin/share/teammates", {"clients_invite_teammates": "y"}).status_code
        == 403
    )
