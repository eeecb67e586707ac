"""The staff's client pages read indexes, not whole tables, on PostgreSQL (issue #19).

A firm with 4,000 accounts (5,000 contacts, 1,500 invitations) next to another firm with
2,000, after ANALYZE, so the planner chooses as it would on a real platform. Each page is
loaded once to warm the caches, then loaded again while its statements are recorded; every
statement that pages through accounts, contacts or invitations (ORDER BY … LIMIT) is run
again under EXPLAIN, which must show an index read and no Seq Scan of those tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, text

from portal.clients.models import AccountContact, ClientAccount, Contact, Invitation
from portal.core.database import utcnow
from portal.core.extensions import db

TABLES = ("client_accounts", "contacts", "invitations")
PAGES = (
    "/admin/clients/",
    "/admin/clients/?status=active",
    "/admin/clients/?sort=-name",
    "/admin/clients/?sort=created",
    "/admin/clients/?q=company+12",
    "/admin/clients/pending",
    "/admin/clients/pending?sort=email",
    "/admin/",
)


def fill(tenant_id: int, accounts: int, first_id: int) -> None:
    """Accounts like bench.dataset's: every account a contact, every fourth a second one,
    portal access for nine in ten, invitations on every third contact."""
    now = utcnow()
    contacts = accounts + accounts // 4
    db.session.execute(
        insert(ClientAccount),
        [
            {
                "id": first_id + n,
                "tenant_id": tenant_id,
                "name": f"Company {n} Holdings" if n % 2 else f"Person {n} Smith",
                "created_at": now - timedelta(days=n % 900),
            }
            for n in range(accounts)
        ],
    )
    db.session.execute(
        insert(Contact),
        [
            {
                "id": first_id + n,
                "tenant_id": tenant_id,
                "email": f"contact{first_id + n}@clients.example",
                "name": f"Contact {n} Jones",
                "activated_at": now if n % 3 else None,
                "last_login_at": now - timedelta(days=n % 60) if n % 12 == 1 else None,
            }
            for n in range(contacts)
        ],
    )
    db.session.execute(
        insert(AccountContact),
        [
            {
                "tenant_id": tenant_id,
                "account_id": first_id + n % accounts,
                "contact_id": first_id + n,
                "login_enabled": n % 10 != 0,
            }
            for n in range(contacts)
        ],
    )
    db.session.execute(
        insert(Invitation),
        [
            {
                "tenant_id": tenant_id,
                "contact_id": first_id + n,
                "email": f"contact{first_id + n}@clients.example",
                "nonce": f"{first_id + n:064d}",
                "token_hash": f"{first_id + n:064x}",
                "expires_at": now + timedelta(days=n % 14 - 4),
                "first_sent_at": now - timedelta(days=n % 60 + 14),
                "last_sent_at": now - timedelta(days=n % 30, minutes=n),
                "send_count": 1 + n % 4,
                "accepted_at": now if n % 12 == 6 else None,
            }
            for n in range(0, contacts, 3)
        ],
    )
    db.session.commit()


@contextmanager
def recording() -> Iterator[list[tuple[str, Any]]]:
    """The statements (with their parameters) sent while the block runs."""
    sent: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def paging(statement: str) -> bool:
    """A statement that reads a page of accounts, contacts or invitations."""
    reads = re.search(r"\bFROM (client_accounts|contacts|invitations)\b", statement)
    return bool(reads) and "ORDER BY" in statement and "LIMIT" in statement


@pytest.mark.slow  # 9,000 rows inserted and analysed, eight pages explained: ~10 s
def test_staff_pages_read_indexes_not_whole_tables(  # type: ignore[no-untyped-def]
    app, tenant, make_tenant, firm, db_backend
) -> None:
    if db_backend != "postgresql":
        pytest.skip("plans are PostgreSQL's")
    other = make_tenant(slug="neighbour", name="Neighbour LLP")
    fill(tenant.id, 4000, 100_000)
    fill(other.id, 2000, 200_000)
    for table in TABLES + ("account_contacts",):
        db.session.execute(text(f"ANALYZE {table}"))
    db.session.commit()

    explained = 0
    for page in PAGES:
        assert firm.get(page).status_code == 200, page  # warm the caches
        with recording() as sent:
            html = firm.get(page).get_data(as_text=True)
        assert "Company" in html or "contact" in html or "Dashboard" in html, page
        for statement, parameters in filter(lambda s: paging(s[0]), sent):
            plan = "\n".join(
                row[0]
                for row in db.session.connection().exec_driver_sql(
                    f"EXPLAIN {statement}", parameters
                )
            )
            scans = re.findall(r"Seq Scan on (\w+)", plan)
            assert not set(scans) & set(TABLES), f"{page}: whole table read\n{statement}\n{plan}"
            assert re.search(r"Index (Only )?Scan|Bitmap Index Scan", plan), f"{page}\n{plan}"
            explained += 1
        db.session.rollback()
    assert explained >= len(PAGES), "a page's statements were not captured"
