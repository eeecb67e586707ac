"""Share (the invitation composer) and "Preview as client"."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.clients.models import Contact
from portal.core.extensions import db
from portal.mail.models import OutboxMessage
from tests.fixtures.people import invite_link_in, tenant_host
from tests.fixtures.smtp import html_of, text_of
from tests.fixtures.tenants import csrf_from


def _contact_id(firm, account_id: int) -> int:  # type: ignore[no-untyped-def]
    page = firm.get(f"/admin/clients/{account_id}").get_data(as_text=True)
    return int(re.search(rf"/admin/clients/{account_id}/contacts/(\d+)/", page).group(1))


def test_composer_previews_the_contact_and_message_and_sends_one_email(
    firm, tenant, smtp, create_client
):
    account_id = create_client("mark@client.example", name="Mark Miller", invite=False)
    contact_id = _contact_id(firm, account_id)
    path = f"/admin/share/accounts/{account_id}/contacts/{contact_id}"
    page = firm.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Mark Miller" in html and "mark@client.example" in html
    assert "Accept invitation" in html  # the branded email, in the preview frame

    live = firm.post(
        f"/admin/share/preview?account_id={account_id}&contact_id={contact_id}",
        data={"csrf_token": csrf_from(html), "personal_message": "Your 2025 <return> is ready"},
        headers={"Accept": "application/json"},
    )
    answer = live.get_json()
    assert "Mark Miller" in answer["html"]
    assert "Your 2025 &lt;return&gt; is ready" in answer["html"]
    assert answer["subject"].endswith("for Jones Household")
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0  # preview sent nothing

    sent = firm.submit(path, {"personal_message": "Your 2025 return is ready", "action": "send"})
    assert sent.status_code == 302
    [mail] = smtp.wait_for(1, to="mark@client.example")
    assert "Your 2025 return is ready" in text_of(mail)
    assert "Mark Miller" in html_of(mail)
    assert invite_link_in(text_of(mail))
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_preview_forms_on_invite_pages(firm, tenant, create_client):
    create_client("x@client.example", invite=False)
    for page in ("/admin/settings/invites", "/admin/clients/"):
        html = firm.get(page).get_data(as_text=True)
        assert 'data-preview-url="/admin/share/preview' in html
        assert "Email preview" in html
    plain = firm.get("/admin/share/preview")
    assert plain.status_code == 200 and "Alex Example" in plain.get_data(as_text=True)


def test_preview_as_client_is_read_only_audited_and_ends(
    firm, tenant, smtp, create_client, accept_invitation
):
    account_id = create_client("pat@client.example", name="Pat Client")
    client = accept_invitation(invite_link_in(text_of(smtp.wait_for(1)[0])))
    contact = db.session.scalar(select(Contact).where(Contact.email == "pat@client.example"))
    nonce, hash_before = contact.session_nonce, contact.password_hash
    contact_id = contact.id

    started = firm.submit(
        f"/admin/clients/{account_id}",
        {},
        f"/admin/preview/accounts/{account_id}/contacts/{contact_id}",
    )
    assert started.status_code == 302 and started.headers["Location"] == "/"
    home = firm.get("/")
    text = home.get_data(as_text=True)
    assert home.status_code == 200
    assert "Previewing as" in text and "Pat Client" in text and "read-only" in text
    assert "Jones Household" in text

    refused = firm.post(
        "/switch-account", data={"csrf_token": csrf_from(text), "account_id": str(account_id)}
    )
    assert refused.status_code == 403
    assert "read-only preview" in refused.get_data(as_text=True)

    # Staff pages stay the staff member's own.
    assert firm.get("/admin/").status_code == 200
    ended = firm.submit("/", {}, "/admin/preview/end")
    assert ended.status_code == 302 and ended.headers["Location"].endswith("/admin/")
    assert "Previewing as" not in firm.get("/").get_data(as_text=True)

    events = db.session.scalars(select(AuditEvent.event).order_by(AuditEvent.id)).all()
    assert "preview.started" in events and "preview.refused" in events
    assert "preview.ended" in events
    db.session.expire_all()
    contact = db.session.get(Contact, contact_id)
    assert (contact.session_nonce, contact.password_hash) == (nonce, hash_before)
    assert contact.welcomed_at is None  # the preview used up nothing of the client's
    assert client.get("/").status_code == 200  # the client's own session is untouched


def test_preview_cannot_target_another_tenants_contact(
    firm, tenant, make_tenant, create_client, client_for
):
    from portal.clients import directory

    other = make_tenant(slug="other", name="Other Firm")
    account = directory.create_account(other.id, "Other Account")
    contact = directory.add_contact(other.id, account, "o@other.example", "O", login=True)
    db.session.commit()
    own = create_client("own@client.example", invite=False)
    own_contact = _contact_id(firm, own)
    for account_id, contact_id in (
        (account.id, contact.id),
        (own, contact.id),
        (account.id, own_contact),
    ):
        response = firm.submit(
            f"/admin/clients/{own}",
            {},
            f"/admin/preview/accounts/{account_id}/contacts/{contact_id}",
        )
        assert response.status_code == 404
        share = firm.get(f"/admin/share/accounts/{account_id}/contacts/{contact_id}")
        assert share.status_code == 404
    assert firm.get(f"/admin/share/preview?contact_id={contact.id}").status_code == 404
    assert "Previewing as" not in firm.get("/").get_data(as_text=True)


def test_a_client_cannot_start_a_preview(firm, tenant, smtp, create_client, accept_invitation):
    account_id = create_client("c@client.example")
    client = accept_invitation(invite_link_in(text_of(smtp.wait_for(1)[0])))
    contact_id = _contact_id(firm, account_id)
    csrf = csrf_from(client.get("/").get_data(as_text=True))
    response = client.post(
        f"/admin/preview/accounts/{account_id}/contacts/{contact_id}", data={"csrf_token": csrf}
    )
    assert response.status_code == 404
    assert tenant_host  # the client stays on its own host
