"""Settings › Invites picks the account by type-ahead: no select of every account, nothing
chosen for the user, and a plain search form when JavaScript is off."""

from __future__ import annotations

from portal.clients.models import ClientAccount
from portal.core.extensions import db
from tests.fixtures.tenants import HostClient


def _add(tenant_id: int, *names: str) -> dict[str, int]:
    accounts = [ClientAccount(tenant_id=tenant_id, name=name) for name in names]
    db.session.add_all(accounts)
    db.session.commit()
    return {a.name: a.id for a in accounts}


def test_invites_page_has_no_account_select_and_searches_without_js(
    firm: HostClient, tenant
) -> None:  # type: ignore[no-untyped-def]
    ids = _add(
        tenant.id, "Aardvark Ltd", *(f"Filler {n:04d}" for n in range(300)), "Zebra Household"
    )
    page = firm.get("/admin/settings/invites").get_data(as_text=True)
    assert "<select" not in page.split('id="account-search"')[1].split("</fieldset>")[0]
    assert "Filler 0001" not in page and "Aardvark" not in page, "no list of every account"
    assert 'hx-get="/admin/clients/search' in page
    found = firm.get("/admin/settings/invites?q=zebra&email=z@client.example").get_data(
        as_text=True
    )
    assert (
        f'value="{ids["Zebra Household"]}"' in found
        and "checked" not in found.split('id="account-results"')[1]
    )
    assert 'value="z@client.example"' in found, "what was typed is kept"


def test_sending_without_choosing_an_account_is_refused_on_the_form(
    firm: HostClient, tenant
) -> None:  # type: ignore[no-untyped-def]
    _add(tenant.id, "Only Account")
    response = firm.submit("/admin/settings/invites", {"email": "new@client.example"})
    assert response.status_code == 422
    assert "search for the client account" in response.get_data(as_text=True)


def test_document_request_account_is_searched_not_listed(firm: HostClient, tenant) -> None:  # type: ignore[no-untyped-def]
    ids = _add(tenant.id, *(f"Filler {n:04d}" for n in range(50)), "Needle Household")
    page = firm.get("/admin/documents/new").get_data(as_text=True)
    assert "Filler 0001" not in page and 'id="account-search"' in page
    found = firm.get("/admin/documents/new?q=needle").get_data(as_text=True)
    assert f'value="{ids["Needle Household"]}"' in found and "Filler" not in found
    given = firm.get(f"/admin/documents/new?account_id={ids['Needle Household']}").get_data(
        as_text=True
    )
    assert "checked" in given.split('id="account-results"')[1].split("</fieldset>")[0]
