"""List pages run the same number of SQL statements at 10 rows as at 100 (no N+1 queries).

Each page is loaded once to warm the caches (tenant snapshot, module settings), then counted:
every statement the engine sends during one request, via SQLAlchemy's `before_cursor_execute`.
Rows are inserted directly (the flows that create them are tested elsewhere): client accounts
with one contact each, who has portal access and an open invitation; for the portal home the
signed-in client belongs to every account.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.auth.passwords import hash_password
from portal.clients.models import AccountContact, ClientAccount, Contact, Invitation
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.core.pagination import encode_cursor
from portal.documents.models import DocumentRequest
from tests.fixtures.people import tenant_host
from tests.fixtures.queries import counting

SIZES = (10, 100)
PAGES = ("/admin/clients/", "/admin/clients/pending", "/admin/clients/signups", "/admin/", "/")
PASSWORD = "maple kettle horizon 58"
# A page further down the clients list, as its Next link asks for it (a keyset cursor).
DEEP = f"/admin/clients/?page=3&after={encode_cursor('account 0002', 0)}"


def add_rows(tenant_id: int, start: int, stop: int, member: Contact) -> None:
    """Accounts start..stop-1, each with an invited contact; `member` belongs to all of them."""
    now = utcnow()
    for number in range(start, stop):
        account = ClientAccount(tenant_id=tenant_id, name=f"Account {number:04d}", kind="company")
        contact = Contact(tenant_id=tenant_id, email=f"c{number}@clients.example", name="")
        db.session.add_all([account, contact])
        db.session.flush()
        db.session.add_all(
            [
                AccountContact(
                    tenant_id=tenant_id,
                    account_id=account.id,
                    contact_id=contact.id,
                    login_enabled=True,
                ),
                AccountContact(
                    tenant_id=tenant_id,
                    account_id=account.id,
                    contact_id=member.id,
                    login_enabled=True,
                ),
                Invitation(
                    tenant_id=tenant_id,
                    contact_id=contact.id,
                    email=contact.email,
                    nonce=f"{number:064d}",
                    token_hash=f"{number:064x}",
                    expires_at=now + timedelta(days=7),
                    first_sent_at=now,
                    last_sent_at=now,
                    send_count=1,
                ),
            ]
        )
    db.session.commit()


@pytest.mark.slow  # 100 accounts inserted, the page counted twice: ~2 s per page and database
@pytest.mark.parametrize(
    "page",
    [
        "/admin/clients/?sort=-name",
        "/admin/clients/?status=active&sort=-name",
        "/admin/clients/?q=account&sort=-name",
        DEEP,
        "/admin/clients/pending",
        "/admin/clients/pending?sort=email",
        "/admin/clients/signups",
        "/admin/",
        "/",
    ],
)
def test_list_page_query_count_does_not_grow_with_rows(  # type: ignore[no-untyped-def]
    app, tenant, firm, client_for, page: str
) -> None:
    member = Contact(
        tenant_id=tenant.id,
        email="member@clients.example",
        name="Member",
        password_hash=hash_password(PASSWORD),
        activated_at=utcnow(),
    )
    db.session.add(member)
    db.session.commit()
    # The portal home is the page of a client who belongs to every account.
    who = client_for(tenant_host(tenant)) if page == "/" else firm

    counts: dict[int, int] = {}
    made = 0
    for size in SIZES:
        add_rows(tenant.id, made, size, member)
        if page == "/" and made == 0:
            response = who.submit("/sign-in", {"email": member.email, "password": PASSWORD})
            assert response.status_code == 302, response.get_data(as_text=True)
        made = size
        assert who.get(page).status_code == 200  # warm the caches
        db.session.expire_all()
        with counting() as statements:
            response = who.get(page)
        assert response.status_code == 200
        # Paginated staff lists show their first page: the newest name, or the first contact.
        marker = {
            "/admin/clients/pending?sort=email": "c0@clients.example",
            # Latest sent first: all were sent at once, so the newest contact leads.
            "/admin/clients/pending": f"c{size - 1}@clients.example",
            DEEP: "Account 0002",
            "/admin/clients/signups": "Unverified sign-ups",
            "/admin/": f"of {size + 1} contact(s) active",  # the member counts too
        }.get(page, f"Account {size - 1:04d}")
        assert marker in response.get_data(as_text=True), "rows not listed"
        counts[size] = len(statements)

    print(page, counts)
    assert len(set(counts.values())) == 1, f"{page}: statements per request by rows: {counts}"


@pytest.mark.slow
def test_home_waiting_list_query_count_does_not_grow_with_document_requests(  # type: ignore[no-untyped-def]
    app, tenant, staff, client_for
) -> None:
    """The home's "Waiting for you" list: the same statements with 0, 10 and 100 open document
    requests in the client's account (tests/documents/test_query_counts.py covers the lists)."""
    member = Contact(
        tenant_id=tenant.id,
        email="member@clients.example",
        password_hash=hash_password(PASSWORD),
        activated_at=utcnow(),
        welcomed_at=utcnow(),
    )
    account = ClientAccount(tenant_id=tenant.id, name="Waiting Household", kind="household")
    db.session.add_all([member, account])
    db.session.flush()
    db.session.add(
        AccountContact(
            tenant_id=tenant.id, account_id=account.id, contact_id=member.id, login_enabled=True
        )
    )
    db.session.commit()
    who = client_for(tenant_host(tenant))
    response = who.submit("/sign-in", {"email": member.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    counts: dict[int, int] = {}
    made = 0
    for size in (0, 10, 100):
        db.session.add_all(
            DocumentRequest(
                tenant_id=tenant.id,
                account_id=account.id,
                title=f"Document {number:04d}",
                due_date=utcnow().date() + timedelta(days=number),
                requested_by_id=staff.id,
            )
            for number in range(made, size)
        )
        db.session.commit()
        made = size
        assert who.get("/").status_code == 200  # warm the caches
        db.session.expire_all()
        with counting() as statements:
            page = who.get("/").get_data(as_text=True)
        assert ("Document 0000" in page) == (size > 0)
        counts[size] = len(statements)
    assert len(set(counts.values())) == 1, f"home statements by open requests: {counts}"
