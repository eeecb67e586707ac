"""Every API list answers with the same number of SQL statements for 10 and for 100 rows
(a page of 100): no query per row."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from portal.auth.api_tokens import create_token
from portal.billing.models import Invoice
from portal.clients.models import AccountContact, ClientAccount, Contact
from portal.core.extensions import db
from portal.files.models import ClientFile
from portal.messaging.models import Message, Thread
from tenants.models import Tenant
from tests.api.conftest import Api
from tests.fixtures.queries import counting
from tests.fixtures.tenants import PLATFORM_DOMAIN

SIZES = (10, 100)


def add_rows(tenant_id: int, account: ClientAccount, thread: Thread, start: int, stop: int) -> None:
    """One of each listed row per n, inserted in batches (a flush per size, not per row)."""
    numbers = range(start, stop)
    contacts = [
        Contact(tenant_id=tenant_id, email=f"c{n}@example.com", name=f"C{n}", self_registered=True)
        for n in numbers
    ]
    db.session.add_all(contacts)
    for n in numbers:
        db.session.add_all(
            [
                ClientAccount(tenant_id=tenant_id, name=f"Account {n}", kind="company"),
                Thread(
                    tenant_id=tenant_id,
                    account_id=account.id,
                    subject=f"Thread {n}",
                    created_by_kind="staff",
                ),
                Message(
                    tenant_id=tenant_id,
                    thread_id=thread.id,
                    author_kind="staff",
                    author_name="Firm",
                    body=f"Message {n}",
                ),
                ClientFile(
                    tenant_id=tenant_id,
                    account_id=account.id,
                    name=f"file-{n}.txt",
                    size=1,
                    content_type="text/plain",
                    storage_key=f"k/{n}",
                    sha256="0" * 64,
                    uploaded_by_kind="staff",
                ),
                Invoice(
                    tenant_id=tenant_id,
                    account_id=account.id,
                    currency="USD",
                    issue_date=date(2026, 1, 1),
                    due_date=date(2026, 1, 31),
                ),
                Tenant(slug=f"counted{n}", name=f"Counted {n}"),
            ]
        )
    db.session.flush()
    db.session.add_all(
        AccountContact(tenant_id=tenant_id, account_id=account.id, contact_id=contact.id)
        for contact in contacts
    )
    db.session.commit()


@pytest.mark.parametrize(
    "path",
    [
        "/clients",
        "/clients/{account}/contacts",
        "/threads",
        "/threads/{thread}/messages",
        "/signups",
        "/clients/{account}/files",
        "/invoices",
        "/tenants",
    ],
)
def test_api_list_query_count_does_not_grow_with_rows(
    app: Any, tenant: Any, api: Api, client_for: Any, path: str
) -> None:
    account = ClientAccount(tenant_id=tenant.id, name="Big Account", kind="company")
    db.session.add(account)
    db.session.flush()
    thread = Thread(
        tenant_id=tenant.id, account_id=account.id, subject="Busy", created_by_kind="staff"
    )
    db.session.add(thread)
    db.session.commit()
    who = api
    if path == "/tenants":
        _, raw = create_token(None, "ops", write=False)
        db.session.commit()
        who = Api(client_for(PLATFORM_DOMAIN), raw)
    url = path.format(account=account.id, thread=thread.id) + "?limit=100"
    counts: dict[int, int] = {}
    made = 0
    for size in SIZES:
        add_rows(tenant.id, account, thread, made, size)
        made = size
        assert who.get(url).status_code == 200  # warm the caches
        db.session.expire_all()
        with counting() as statements:
            response = who.get(url)
        assert response.status_code == 200
        assert len(response.get_json()["data"]) >= size
        counts[size] = len(statements)
    assert counts[10] == counts[100], counts
