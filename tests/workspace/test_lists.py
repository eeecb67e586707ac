"""Paginated staff lists: filters and sort survive paging, a page past the end is an empty
state, and the account type-ahead only ever finds the firm's own accounts."""

from __future__ import annotations

import re
from datetime import timedelta

from portal.clients.models import AccountContact, ClientAccount, Contact, Invitation
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.core.pagination import PER_PAGE
from tests.fixtures.tenants import HostClient


def _accounts(tenant_id: int, count: int, prefix: str = "Account") -> None:
    now = utcnow()
    for number in range(count):
        account = ClientAccount(tenant_id=tenant_id, name=f"{prefix} {number:04d}")
        contact = Contact(tenant_id=tenant_id, email=f"{prefix.lower()}{number}@clients.example")
        db.session.add_all([account, contact])
        db.session.flush()
        db.session.add(
            AccountContact(
                tenant_id=tenant_id,
                account_id=account.id,
                contact_id=contact.id,
                login_enabled=True,
            )
        )
        if number % 2:
            db.session.add(
                Invitation(
                    tenant_id=tenant_id,
                    contact_id=contact.id,
                    email=contact.email,
                    nonce=f"{prefix}{number}",
                    token_hash=f"{prefix}-{number:050d}",
                    expires_at=now - timedelta(days=1),
                    first_sent_at=now - timedelta(days=8),
                    last_sent_at=now - timedelta(days=8, minutes=number),
                    send_count=1,
                )
            )
    db.session.commit()


def _next_link(html: str) -> str:
    match = re.search(r'<a rel="next" href="([^"]+)"', html)
    assert match, "no Next link"
    return match.group(1).replace("&amp;", "&")


def test_clients_list_pages_keep_sort_and_filters(firm: HostClient, tenant) -> None:  # type: ignore[no-untyped-def]
    _accounts(tenant.id, PER_PAGE + 10)
    first = firm.get("/admin/clients/?q=account&sort=-name").get_data(as_text=True)
    assert "Account 0059" in first and "Account 0000" not in first
    assert "account0@clients.example" not in first and "account59@clients.example" in first
    assert "Select all 60 matching accounts" in first
    following = _next_link(first)
    assert "q=account" in following and "sort=-name" in following and "page=2" in following
    second = firm.get(following).get_data(as_text=True)
    assert "Account 0000" in second and "Account 0059" not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_a_page_past_the_end_is_an_empty_state(firm: HostClient, tenant) -> None:  # type: ignore[no-untyped-def]
    _accounts(tenant.id, 3)
    for url in (
        "/admin/clients/?page=40",
        "/admin/clients/pending?page=40",
        "/admin/clients/signups?page=40",
        "/admin/clients/?page=abc&sort=nonsense",
        "/admin/clients/pending?page=-1&status=weird&sort=--x",
    ):
        response = firm.get(url)
        assert response.status_code == 200, url
    html = firm.get("/admin/clients/?page=40").get_data(as_text=True)
    assert "past the end of the list" in html and "Back to the first page" in html


def test_pending_list_filters_by_status_and_links_the_account(firm: HostClient, tenant) -> None:  # type: ignore[no-untyped-def]
    _accounts(tenant.id, 6)
    expired = firm.get("/admin/clients/pending?status=expired").get_data(as_text=True)
    assert "account1@clients.example" in expired and "account2@clients.example" not in expired
    assert "Expired" in expired and "Copy link" in expired
    account = db.session.scalar(
        db.select(ClientAccount).where(ClientAccount.name == "Account 0001")
    )
    assert f'href="/admin/clients/{account.id}"' in expired
    never = firm.get("/admin/clients/pending?status=not_invited").get_data(as_text=True)
    assert "account2@clients.example" in never and "account1@clients.example" not in never
    assert "not yet" in never


def test_account_typeahead_stays_in_the_firm(firm: HostClient, tenant, make_tenant) -> None:  # type: ignore[no-untyped-def]
    other = make_tenant(slug="other", name="Other Firm")
    _accounts(tenant.id, 3, prefix="Shared")
    _accounts(other.id, 3, prefix="Shared")
    data = firm.get("/admin/clients/search?q=shared").get_json()
    ids = {row["id"] for row in data["accounts"]}
    own = set(
        db.session.scalars(db.select(ClientAccount.id).where(ClientAccount.tenant_id == tenant.id))
    )
    assert ids and ids <= own
    html = firm.get("/admin/clients/search?q=shared0@&format=html").get_data(as_text=True)
    assert html.count('type="radio"') == 1 and "checked" not in html
    assert firm.get("/admin/clients/search?q=nobody").get_json() == {"accounts": []}


def test_unverified_signups_are_listed_a_page_at_a_time(firm: HostClient, tenant) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    db.session.add_all(
        Contact(
            tenant_id=tenant.id,
            email=f"signup{n}@example.com",
            name=f"Signup {n:03d}",
            self_registered=True,
            created_at=now - timedelta(minutes=n),
        )
        for n in range(PER_PAGE + 1)
    )
    db.session.commit()
    newest = firm.get("/admin/clients/signups").get_data(as_text=True)
    assert "Signup 000" in newest and f"Signup {PER_PAGE:03d}" not in newest
    by_name = firm.get("/admin/clients/signups?sort=-name&q=signup").get_data(as_text=True)
    assert f"Signup {PER_PAGE:03d}" in by_name
    assert "q=signup" in _next_link(by_name)


def test_every_sort_of_the_clients_list_pages_through_every_account(
    firm: HostClient,
    tenant,  # type: ignore[no-untyped-def]
) -> None:
    """Each sort column, both ways, answers a page and its Next page holds the rest: a sort that
    builds a bad statement (last login once did) fails here, not in front of staff."""
    from portal.clients.listing import ACCOUNT_SORTS

    _accounts(tenant.id, PER_PAGE + 5)
    db.session.commit()
    for column in ACCOUNT_SORTS:
        for sort in (column, f"-{column}"):
            first = firm.get(f"/admin/clients/?sort={sort}")
            assert first.status_code == 200, sort
            html = first.get_data(as_text=True)
            names = set(re.findall(r"Account \d{4}", html))
            following = re.search(r'href="([^"]*(?:after|page)=[^"]*)"[^>]*>\s*Next', html)
            assert following, f"no Next link when sorted by {sort}"
            second = firm.get(following.group(1).replace("&amp;", "&")).get_data(as_text=True)
            names |= set(re.findall(r"Account \d{4}", second))
            assert len(names) == PER_PAGE + 5, sort
