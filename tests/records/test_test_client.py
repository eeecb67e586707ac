"""The firm's test client: created on request, invited to the staff member's own address,
left out of the dashboard's counts."""

from __future__ import annotations

from sqlalchemy import select

from portal.clients import activation
from portal.clients.models import ClientAccount, Contact
from portal.clients.test_client import suggested_address
from portal.core.extensions import db
from tests.fixtures.smtp import text_of


def test_suggested_address_is_the_staff_address_with_a_plus_tag():
    assert suggested_address("jane@firm.example") == "jane+test@firm.example"
    assert suggested_address("jane+tax@firm.example") == "jane+test@firm.example"


def test_create_my_test_client_invites_my_address_and_counts_nothing(
    firm, tenant, smtp, create_client
):
    create_client("real@client.example", "Real Client", invite=False)
    before = activation.counts(tenant.id)
    home = firm.get("/admin/").get_data(as_text=True)
    assert home.count("Create my test client") == 1
    page = firm.get("/admin/clients/test-client").get_data(as_text=True)
    assert "Create my test client" in page and 'value="owner+test@acme.example"' in page

    response = firm.submit(
        "/admin/clients/test-client", {"email": "owner+test@acme.example", "invite": "y"}
    )
    assert response.status_code == 302
    account = db.session.scalars(select(ClientAccount).where(ClientAccount.is_test.is_(True))).one()
    contact = db.session.scalars(
        select(Contact).where(Contact.email == "owner+test@acme.example")
    ).one()
    assert account.name == "Test client" and contact.name.startswith("Test client")
    [mail] = smtp.wait_for(1)
    assert mail["To"] == "owner+test@acme.example" and "/invite/" in text_of(mail)
    assert activation.counts(tenant.id) == before
    home = firm.get("/admin/").get_data(as_text=True)
    assert "Create my test client" not in home and "your test client" in home

    again = firm.get("/admin/clients/test-client").get_data(as_text=True)
    assert "Your firm's test client is" in again and "Create my test client" not in again
    second = firm.submit("/admin/clients/test-client", {"email": "x@acme.example"})
    assert second.status_code in (200, 302)
    assert db.session.scalars(
        select(ClientAccount).where(ClientAccount.is_test.is_(True))
    ).all() == [account]


def test_a_real_clients_address_is_refused(firm, create_client):
    create_client("real@client.example", "Real Client", invite=False)
    response = firm.submit("/admin/clients/test-client", {"email": "real@client.example"})
    assert response.status_code == 422
    assert "A client already uses this address" in response.get_data(as_text=True)
