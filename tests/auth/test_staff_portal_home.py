"""Signed-in staff opening the portal home get a themed page with the way to the dashboard
(issue #11.11), never a bare 404 and never client data."""

from __future__ import annotations

from sqlalchemy import update

from portal.core.extensions import db
from tenants.models import Tenant
from tenants.resolution import forget_tenants


def test_staff_on_the_portal_home_get_a_link_to_the_dashboard(firm, create_client, tenant) -> None:  # type: ignore[no-untyped-def]
    account_id = create_client("ivy@client.example", account="Confidential Household")
    firm.get(f"/admin/clients/{account_id}")  # shows (and so uses up) the "created" flash
    db.session.execute(update(Tenant).values(portal_name="Acme Client Hub"))
    db.session.commit()
    forget_tenants()
    response = firm.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "You are signed in as staff" in page
    assert 'href="/admin/"' in page
    assert "Acme Client Hub" in page  # themed with the firm's branding
    assert "owner@acme.example" in page
    assert "Confidential Household" not in page and "ivy@client.example" not in page
    assert firm.get("/admin/").status_code == 200  # the link works


def test_visitors_on_the_portal_home_are_sent_to_sign_in(portal) -> None:  # type: ignore[no-untyped-def]
    response = portal.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
