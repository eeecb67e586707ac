"""Account records: edit, archive (hidden, portal closed), restore, delete with its rules."""

from __future__ import annotations

from sqlalchemy import func, insert, select

from portal.audit.models import AuditEvent
from portal.clients.models import AccountTag, ClientAccount, Contact, Invitation
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.signup.models import SignupCode
from tests.fixtures.people import CLIENT_PASSWORD, invite_link_in, tenant_host
from tests.fixtures.smtp import text_of


def _events(name: str) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.detail).where(AuditEvent.event == name)))


def test_staff_edit_an_account_and_its_tags(firm, create_client):
    account_id = create_client("ann@client.example", "Jones Household", invite=False)
    page = firm.get(f"/admin/clients/{account_id}/edit")
    assert page.status_code == 200 and 'value="Jones Household"' in page.get_data(as_text=True)
    response = firm.submit(
        f"/admin/clients/{account_id}/edit",
        {
            "name": "Jones Family",
            "kind": "household",
            "tags": "VIP, Tax  2026, vip",
            "phone": "+1 555 0100",
            "address": "1 Main St\nSpringfield",
            "reference_id": "TX-42",
            "notes": "Prefers email.",
        },
    )
    assert response.status_code == 302
    account = db.session.get(ClientAccount, account_id)
    assert (account.name, account.phone, account.reference_id) == (
        "Jones Family",
        "+1 555 0100",
        "TX-42",
    )
    assert account.address == "1 Main St\nSpringfield" and account.notes == "Prefers email."
    tags = db.session.scalars(select(AccountTag.tag).where(AccountTag.account_id == account_id))
    assert sorted(tags) == ["tax 2026", "vip"]
    shown = firm.get(f"/admin/clients/{account_id}").get_data(as_text=True)
    assert "Jones Family" in shown and "tax 2026" in shown and "TX-42" in shown
    assert _events("account.edit") == [
        f"account {account_id}: name, notes, phone, address, reference_id, tags"
    ]


def test_edit_refuses_an_empty_name_on_the_form(firm, create_client):
    account_id = create_client("ann@client.example", invite=False)
    response = firm.submit(f"/admin/clients/{account_id}/edit", {"name": " ", "kind": "company"})
    assert response.status_code == 422
    assert "Enter the account name" in response.get_data(
        as_text=True
    ) or "This field is required" in response.get_data(as_text=True)


def test_archive_hides_the_account_and_closes_its_portal_until_restored(
    firm, tenant, smtp, create_client, accept_invitation, client_for
):
    account_id = create_client("ivy@client.example", "Ivy Holdings")
    client = accept_invitation(invite_link_in(text_of(smtp.wait_for(1)[-1])))
    assert client.get("/").status_code == 200

    confirm = firm.get(f"/admin/clients/{account_id}/archive")
    assert "Archive Ivy Holdings?" in confirm.get_data(as_text=True)
    assert firm.submit(f"/admin/clients/{account_id}/archive", {}).status_code == 302
    assert "Archived" in firm.get(f"/admin/clients/{account_id}").get_data(as_text=True)
    assert "Ivy Holdings" not in firm.get("/admin/clients/").get_data(as_text=True)

    # The signed-in client is signed out, and cannot sign in again.
    assert client.get("/").status_code == 302
    visitor = client_for(tenant_host(tenant))
    refused = visitor.submit(
        "/sign-in", {"email": "ivy@client.example", "password": CLIENT_PASSWORD}
    )
    assert refused.status_code != 302 or "/sign-in" in refused.headers["Location"]

    assert (
        firm.submit(
            f"/admin/clients/{account_id}", {}, action=f"/admin/clients/{account_id}/restore"
        ).status_code
        == 302
    )
    firm.get(f"/admin/clients/{account_id}")  # shows the "restored" message
    assert "Ivy Holdings" in firm.get("/admin/clients/").get_data(as_text=True)
    again = client_for(tenant_host(tenant))
    signed = again.submit("/sign-in", {"email": "ivy@client.example", "password": CLIENT_PASSWORD})
    assert signed.status_code == 302 and again.get("/").status_code == 200
    assert len(_events("account.archive")) == len(_events("account.restore")) == 1


def test_a_contact_with_another_account_keeps_the_portal_of_that_one(
    firm, smtp, create_client, accept_invitation
):
    first = create_client("ivy@client.example", "Ivy Holdings")
    client = accept_invitation(invite_link_in(text_of(smtp.wait_for(1)[-1])))
    second = create_client("ivy@client.example", "Ivy Trust", invite=False)
    firm.submit(f"/admin/clients/{first}/archive", {})
    home = client.get("/")
    assert home.status_code == 200
    assert "Ivy Trust" in home.get_data(as_text=True)
    assert "Ivy Holdings" not in home.get_data(as_text=True)
    assert second


def test_delete_needs_the_typed_name_and_removes_the_account_and_its_own_contacts(
    firm, tenant, create_client
):
    account_id = create_client("ann@client.example", "Jones Household")
    shared = create_client("both@client.example", "Other Account", invite=False)
    firm.submit(
        f"/admin/clients/{account_id}",
        {"email": "both@client.example", "name": "Both"},
        action=f"/admin/clients/{account_id}/contacts",
    )
    wrong = firm.submit(f"/admin/clients/{account_id}/delete", {"confirm_name": "Jones"})
    assert wrong.status_code == 422
    assert "Type the account&#39;s name exactly" in wrong.get_data(as_text=True)
    assert db.session.get(ClientAccount, account_id) is not None

    done = firm.submit(f"/admin/clients/{account_id}/delete", {"confirm_name": "Jones Household"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(ClientAccount, account_id) is None
    emails = set(db.session.scalars(select(Contact.email).where(Contact.tenant_id == tenant.id)))
    assert emails == {"both@client.example"}  # still a contact of the other account
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    assert db.session.get(ClientAccount, shared) is not None
    assert _events("account.delete") == [f"account {account_id} with 1 contact(s)"]


def test_delete_is_refused_while_another_area_has_rows_for_the_account(
    firm, tenant, create_client, foreign_tables
):
    account_id = create_client("ann@client.example", "Jones Household", invite=False)
    db.session.execute(
        insert(foreign_tables["files"]).values(
            tenant_id=tenant.id, account_id=account_id, title="2025 return.pdf"
        )
    )
    db.session.commit()
    page = firm.get(f"/admin/clients/{account_id}/delete").get_data(as_text=True)
    assert "archive it instead" in page and "zz test account files" in page
    refused = firm.post(
        f"/admin/clients/{account_id}/delete",
        data={"confirm_name": "Jones Household", "csrf_token": _csrf(firm, account_id)},
    )
    assert refused.status_code == 422 and "archive it instead" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ClientAccount, account_id) is not None


def test_delete_is_refused_while_a_contact_of_the_account_has_rows_elsewhere(
    firm, tenant, create_client, foreign_tables
):
    account_id = create_client("ann@client.example", "Jones Household", invite=False)
    contact_id = db.session.scalar(select(Contact.id).where(Contact.email == "ann@client.example"))
    db.session.execute(
        insert(foreign_tables["prefs"]).values(
            tenant_id=tenant.id, contact_id=contact_id, topic="messages"
        )
    )
    db.session.commit()
    page = firm.get(f"/admin/clients/{account_id}/delete").get_data(as_text=True)
    assert "archive it instead" in page


def _csrf(firm, account_id):  # type: ignore[no-untyped-def]
    from tests.fixtures.tenants import csrf_from

    return csrf_from(firm.get(f"/admin/clients/{account_id}/edit").get_data(as_text=True))


def test_a_contacts_sign_up_code_goes_with_it_and_does_not_block_deletion(
    firm, tenant, create_client
):
    account_id = create_client("ann@client.example", "Jones Household")
    contact_id = db.session.scalar(select(Contact.id).where(Contact.email == "ann@client.example"))
    db.session.add(
        SignupCode(
            tenant_id=tenant.id,
            contact_id=contact_id,
            code_hash="x",
            link_hash="y" * 64,
            expires_at=utcnow(),
        )
    )
    db.session.commit()
    page = firm.get(f"/admin/clients/{account_id}/delete").get_data(as_text=True)
    assert "archive it instead" not in page
    done = firm.submit(f"/admin/clients/{account_id}/delete", {"confirm_name": "Jones Household"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(SignupCode)).all() == []
    assert db.session.get(Contact, contact_id) is None
