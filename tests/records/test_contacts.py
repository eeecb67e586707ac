"""Contact records: edit (the email rule), unlink, and merging two contacts of one person."""

from __future__ import annotations

from sqlalchemy import insert, select

from portal.audit.models import AuditEvent
from portal.clients.models import AccountContact, Contact, Invitation, PasswordReset
from portal.core.database import utcnow
from portal.core.extensions import db


def _contact(email: str) -> Contact:
    db.session.expire_all()
    return db.session.scalars(select(Contact).where(Contact.email == email)).one()


def test_edit_contact_name_phone_and_email_cancels_the_old_invitation(firm, smtp, create_client):
    account_id = create_client("old@client.example", name="Ann")
    contact = _contact("old@client.example")
    response = firm.submit(
        f"/admin/clients/{account_id}/contacts/{contact.id}/edit",
        {"name": "Ann Jones", "email": "New@Client.example", "phone": "+44 20 7946 0000"},
    )
    assert response.status_code == 302
    contact = _contact("new@client.example")
    assert (contact.name, contact.phone) == ("Ann Jones", "+44 20 7946 0000")
    invitation = db.session.scalars(select(Invitation)).one()
    assert invitation.cancelled_at is not None  # the link went to the old inbox
    detail = db.session.scalar(select(AuditEvent.detail).where(AuditEvent.event == "contact.edit"))
    assert detail == f"contact {contact.id}: name, phone, email"


def test_edit_refuses_an_email_another_contact_uses(firm, create_client):
    account_id = create_client("ann@client.example", invite=False)
    create_client("bob@client.example", "Bob Ltd", invite=False)
    contact = _contact("ann@client.example")
    response = firm.submit(
        f"/admin/clients/{account_id}/contacts/{contact.id}/edit",
        {"name": "", "email": "bob@client.example", "phone": ""},
    )
    assert response.status_code == 422
    assert "Another contact already uses this email address." in response.get_data(as_text=True)


def test_unlink_removes_the_link_and_a_contact_left_without_account(firm, create_client):
    account_id = create_client("ann@client.example", invite=False)
    other = create_client("bob@client.example", "Bob Ltd", invite=False)
    firm.submit(
        f"/admin/clients/{account_id}",
        {"email": "bob@client.example"},
        action=f"/admin/clients/{account_id}/contacts",
    )
    bob, ann = _contact("bob@client.example"), _contact("ann@client.example")
    page = firm.get(f"/admin/clients/{account_id}/contacts/{bob.id}/unlink")
    assert "Remove" in page.get_data(as_text=True)
    firm.submit(f"/admin/clients/{account_id}/contacts/{bob.id}/unlink", {})
    links = db.session.scalars(
        select(AccountContact.account_id).where(AccountContact.contact_id == bob.id)
    )
    assert list(links) == [other]  # still on Bob Ltd
    firm.submit(f"/admin/clients/{account_id}/contacts/{ann.id}/unlink", {})
    db.session.expire_all()
    assert (
        db.session.scalars(select(Contact).where(Contact.email == "ann@client.example")).first()
        is None
    )


def test_merge_moves_links_history_and_other_areas_rows_to_the_kept_contact(
    firm, tenant, create_client, foreign_tables
):
    first = create_client("ann@client.example", "Jones Household", name="Ann")
    second = create_client("ann.jones@work.example", "Jones Ltd", name="")
    kept, dup = _contact("ann@client.example"), _contact("ann.jones@work.example")
    kept_id, dup_id = kept.id, dup.id
    db.session.add(
        PasswordReset(
            tenant_id=tenant.id, contact_id=dup_id, token_hash="x" * 64, expires_at=utcnow()
        )
    )
    prefs = foreign_tables["prefs"]
    db.session.execute(
        insert(prefs),
        [
            {"tenant_id": tenant.id, "contact_id": kept_id, "topic": "messages"},
            {"tenant_id": tenant.id, "contact_id": dup_id, "topic": "messages"},
            {"tenant_id": tenant.id, "contact_id": dup_id, "topic": "files"},
        ],
    )
    db.session.commit()

    found = firm.submit(
        f"/admin/clients/{first}/contacts/{kept_id}/merge",
        {"merge_email": "ANN.JONES@work.example"},
    )
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and "Jones Ltd" in page and "Keep which email?" in page
    done = firm.submit(
        f"/admin/clients/{first}/contacts/{kept_id}/merge",
        {"merge_contact_id": str(dup_id), "confirm": "1", "keep": "this"},
    )
    assert done.status_code == 302

    db.session.expire_all()
    assert db.session.get(Contact, dup_id) is None
    links = db.session.execute(
        select(AccountContact.account_id, AccountContact.login_enabled).where(
            AccountContact.contact_id == kept_id
        )
    ).all()
    assert sorted(links) == sorted([(first, True), (second, True)])
    topics = db.session.execute(select(prefs.c.contact_id, prefs.c.topic)).all()
    assert sorted(topics) == [(kept_id, "files"), (kept_id, "messages")]
    assert db.session.scalars(select(PasswordReset)).all() == []
    # The kept contact's own invitation is still the live one.
    open_invites = db.session.scalars(
        select(Invitation).where(
            Invitation.contact_id == kept_id, Invitation.cancelled_at.is_(None)
        )
    ).all()
    assert len(open_invites) == 1 and open_invites[0].email == "ann@client.example"
    detail = db.session.scalar(select(AuditEvent.detail).where(AuditEvent.event == "contact.merge"))
    assert detail.startswith(f"contact {dup_id} into {kept_id}; moved account_contacts 1")
    assert "zz_test_contact_prefs 1" in detail


def test_merge_keeping_the_other_email(firm, create_client):
    first = create_client("ann@client.example", "Jones Household", invite=False)
    create_client("ann.jones@work.example", "Jones Ltd", invite=False)
    ann, other = _contact("ann@client.example"), _contact("ann.jones@work.example")
    firm.submit(
        f"/admin/clients/{first}/contacts/{ann.id}/merge",
        {"merge_contact_id": str(other.id), "confirm": "1", "keep": "other"},
    )
    db.session.expire_all()
    emails = list(db.session.scalars(select(Contact.email)))
    assert emails == ["ann.jones@work.example"]


def test_merge_with_an_unknown_email_says_so(firm, create_client):
    first = create_client("ann@client.example", invite=False)
    ann = _contact("ann@client.example")
    response = firm.submit(
        f"/admin/clients/{first}/contacts/{ann.id}/merge", {"merge_email": "nobody@x.example"}
    )
    assert response.status_code == 422
    assert "No other contact has that email address." in response.get_data(as_text=True)
