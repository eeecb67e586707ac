"""Statuses, resend/refresh, copy link, cancel, email change, expiry and cross-tenant tokens."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from portal.clients.models import Contact, Invitation
from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.models import Tenant
from tenants.resolution import forget_tenants
from tests.fixtures.people import invite_link_in, tenant_host
from tests.fixtures.smtp import text_of


def _contact_id(email: str) -> int:
    return db.session.scalar(select(Contact.id).where(Contact.email == email))


def _status_cell(firm, account_id: int) -> str:
    return firm.get(f"/admin/clients/{account_id}").get_data(as_text=True)


def _post(firm, account_id: int, contact_id: int, action: str, **data):  # type: ignore[no-untyped-def]
    return firm.submit(
        f"/admin/clients/{account_id}",
        data,
        action=f"/admin/clients/{account_id}/contacts/{contact_id}/{action}",
    )


def test_status_transitions(firm, tenant, smtp, create_client, accept_invitation):
    account_id = create_client("ann@client.example", invite=False, login=False)
    contact_id = _contact_id("ann@client.example")
    page = _status_cell(firm, account_id)
    assert "No access" in page
    assert "Offline" in firm.get("/admin/clients/").get_data(as_text=True)

    _post(firm, account_id, contact_id, "login", enabled="1")
    assert "Pending activation" in _status_cell(firm, account_id)
    assert "Active" in firm.get("/admin/clients/?status=active").get_data(as_text=True)
    pending = firm.get("/admin/clients/pending").get_data(as_text=True)
    assert "ann@client.example" in pending and "Jones Household" in pending
    assert smtp.messages == [], "granting access quietly sends nothing"

    _post(firm, account_id, contact_id, "invite", personal_message="")
    page = _status_cell(firm, account_id)
    assert "Invited" in page and "1 time(s)" in page and "(team)" in page

    _post(firm, account_id, contact_id, "cancel")
    assert "Cancelled" in _status_cell(firm, account_id)

    _post(firm, account_id, contact_id, "invite", personal_message="")
    link = invite_link_in(text_of(smtp.wait_for(2)[-1]))
    accept_invitation(link)
    assert "Active" in _status_cell(firm, account_id)
    assert "ann@client.example" not in firm.get("/admin/clients/pending").get_data(as_text=True)

    _post(firm, account_id, contact_id, "login", enabled="0")
    assert "No access" in _status_cell(firm, account_id)
    assert "Offline" in firm.get("/admin/clients/?status=offline").get_data(as_text=True)


def test_resend_refreshes_the_same_link_and_copy_link_matches(firm, tenant, smtp, create_client):
    account_id = create_client("bob@client.example")
    contact_id = _contact_id("bob@client.example")
    first = invite_link_in(text_of(smtp.wait_for(1)[0]))
    db.session.execute(update(Invitation).values(expires_at=utcnow() + timedelta(days=1)))
    db.session.commit()

    for _ in range(2):  # the third email of the hour is the last one allowed
        _post(firm, account_id, contact_id, "invite", personal_message="Reminder")
    mails = smtp.wait_for(3)
    assert {invite_link_in(text_of(m)) for m in mails} == {first}
    invitation = db.session.scalar(select(Invitation))
    db.session.refresh(invitation)
    assert invitation.send_count == 3
    assert invitation.expires_at > utcnow() + timedelta(days=13)
    assert db.session.query(Invitation).count() == 1
    page = _status_cell(firm, account_id)
    assert "reaching out directly" in page

    copied = _post(firm, account_id, contact_id, "copy-link").get_data(as_text=True)
    assert f'value="{first}"' in copied


def test_cancelled_link_stops_working_politely(firm, tenant, smtp, create_client, client_for):
    account_id = create_client("cy@client.example")
    link = invite_link_in(text_of(smtp.wait_for(1)[0]))
    _post(firm, account_id, _contact_id("cy@client.example"), "cancel")
    page = client_for(tenant_host(tenant)).get(link.split(tenant_host(tenant))[1])
    assert page.status_code == 410
    assert "This invitation was cancelled" in page.get_data(as_text=True)


def test_changing_email_cancels_the_old_link(firm, tenant, smtp, create_client, client_for):
    account_id = create_client("old@client.example")
    old_link = invite_link_in(text_of(smtp.wait_for(1)[0]))
    contact_id = _contact_id("old@client.example")
    _post(firm, account_id, contact_id, "email", email="new@client.example")
    client = client_for(tenant_host(tenant))
    assert client.get(old_link.split(tenant_host(tenant))[1]).status_code in (404, 410)
    _post(firm, account_id, contact_id, "invite", personal_message="")
    new_link = invite_link_in(text_of(smtp.wait_for(1, to="new@client.example")[0]))
    assert new_link != old_link
    assert client.get(new_link.split(tenant_host(tenant))[1]).status_code == 200


def test_expired_link_offers_a_fresh_invite(firm, tenant, smtp, create_client, client_for):
    create_client("dee@client.example")
    link = invite_link_in(text_of(smtp.wait_for(1)[0]))
    path = link.split(tenant_host(tenant))[1]
    db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    client = client_for(tenant_host(tenant))
    page = client.get(path)
    assert page.status_code == 410 and "has expired" in page.get_data(as_text=True)
    expired_post = client.submit(path, {"password": "x" * 12, "confirm": "x" * 12})
    assert expired_post.status_code == 410

    renewed = client.submit(path, {}, action=f"{path}/renew")
    bogus = client.submit(path, {}, action="/invite/not-a-real-token/renew")
    assert renewed.status_code == bogus.status_code == 200
    assert renewed.get_data(as_text=True) == bogus.get_data(as_text=True)
    [fresh] = smtp.wait_for(2)[1:]
    assert invite_link_in(text_of(fresh)) == link
    assert client.get(path).status_code == 200


def test_expired_link_can_notify_the_firm_instead(
    firm, tenant, staff, smtp, create_client, client_for
):
    db.session.get(Tenant, tenant.id).expired_invite_action = "notify"
    db.session.commit()
    forget_tenants()
    create_client("eve@client.example")
    link = invite_link_in(text_of(smtp.wait_for(1)[0]))
    path = link.split(tenant_host(tenant))[1]
    db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    client_for(tenant_host(tenant)).submit(path, {}, action=f"{path}/renew")
    [notice] = smtp.wait_for(1, to=staff.email)
    assert "eve@client.example" in text_of(notice)
    assert len(smtp.messages) == 2


def test_invitation_of_tenant_a_is_refused_on_tenant_b(
    firm, tenant, smtp, create_client, make_tenant, client_for
):
    create_client("fay@client.example")
    link = invite_link_in(text_of(smtp.wait_for(1)[0]))
    other = make_tenant(slug="other", name="Other & Co")
    path = link.split(tenant_host(tenant))[1]
    response = client_for(tenant_host(other)).get(path)
    assert response.status_code == 404
    assert "Acme" not in response.get_data(as_text=True)


def test_forged_host_headers_never_reach_email_links(firm, tenant, smtp, create_client, make_app):
    firm.submit(
        "/admin/clients/new",
        {
            "account_name": "Gus Ltd",
            "kind": "company",
            "email": "gus@client.example",
            "login": "y",
            "send_invite": "y",
        },
        headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"},
    )
    link = invite_link_in(text_of(smtp.wait_for(1)[0]))
    assert link.startswith(f"https://{tenant_host(tenant)}/invite/")
    trusting = make_app(TRUSTED_PROXIES=1).test_client(host=tenant_host(tenant))
    forged = trusting.get("/admin/sign-in", headers={"X-Forwarded-Host": "evil.example"})
    assert forged.status_code == 404


def test_last_login_filter_lists_only_accounts_never_signed_in(firm, tenant, create_client):
    create_client("seen@client.example", account="Seen Household", invite=False)
    create_client("unseen@client.example", account="Unseen Household", invite=False)
    db.session.execute(
        update(Contact).where(Contact.email == "seen@client.example").values(last_login_at=utcnow())
    )
    db.session.commit()
    never = firm.get("/admin/clients/?last_login=never").get_data(as_text=True)
    assert "Unseen Household" in never and "Seen Household" not in never
    everyone = firm.get("/admin/clients/").get_data(as_text=True)
    assert "Unseen Household" in everyone and "Seen Household" in everyone
