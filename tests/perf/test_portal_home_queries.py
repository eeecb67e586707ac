"""The client's pages stay cheap in SQL whatever the rows (issue #19, target 1).

Warm cache (tenant, module settings): the portal home runs at most three statements (the
session with its principal, the client's accounts, and one statement for every module's
"waiting for you" items with the menu's and the bell's counts), as many at 10 as at 100
waiting items, accounts and threads; the anonymous sign-in page at most one; no module page
reads the module settings, which are cached with the tenant. Statements are counted with
tests/fixtures/queries.counting; rows are inserted directly.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from portal.auth.passwords import hash_password
from portal.billing.models import Invoice
from portal.clients.models import AccountContact, ClientAccount, Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.documents.models import DocumentRequest
from portal.messaging.models import Message, Thread
from portal.notifications.models import Notification
from tests.fixtures.people import tenant_host
from tests.fixtures.queries import counting

PASSWORD = "maple kettle horizon 58"
HOME_MOST = 3
SETTINGS_TABLES = ("tenant_modules", "module_links", "referral_settings")
MODULE_PAGES = (
    "/messages/",
    "/requests/",
    "/files/",
    "/invoices/",
    "/courses/",
    "/community/",
    "/history/",
    "/notifications",
)


@pytest.fixture
def member(app, tenant) -> tuple[Contact, ClientAccount]:  # type: ignore[no-untyped-def]
    """A welcomed client whose first account (by name) is "A Household"."""
    contact = Contact(
        tenant_id=tenant.id,
        email="member@clients.example",
        name="Member",
        password_hash=hash_password(PASSWORD),
        activated_at=utcnow(),
        welcomed_at=utcnow(),
    )
    account = ClientAccount(tenant_id=tenant.id, name="A Household", kind="household")
    db.session.add_all([contact, account])
    db.session.flush()
    db.session.add(
        AccountContact(
            tenant_id=tenant.id, account_id=account.id, contact_id=contact.id, login_enabled=True
        )
    )
    db.session.commit()
    return contact, account


@pytest.fixture
def member_client(client_for, tenant, member):  # type: ignore[no-untyped-def]
    who = client_for(tenant_host(tenant))
    response = who.submit("/sign-in", {"email": member[0].email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return who


def add_rows(
    tenant_id: int, contact: Contact, account: ClientAccount, start: int, stop: int
) -> None:
    """Numbers start..stop-1 of everything the home counts or lists: other accounts of the
    client, open document requests, unread threads, open invoices, unread notifications."""
    now = utcnow()
    for number in range(start, stop):
        other = ClientAccount(tenant_id=tenant_id, name=f"Other {number:04d}", kind="company")
        thread = Thread(
            tenant_id=tenant_id,
            account_id=account.id,
            subject=f"Thread {number:04d}",
            created_by_kind="staff",
            last_message_at=now - timedelta(minutes=number),
        )
        db.session.add_all([other, thread])
        db.session.flush()
        message = Message(
            tenant_id=tenant_id, thread_id=thread.id, author_kind="staff", body="Hello"
        )
        db.session.add(message)
        db.session.flush()
        thread.last_staff_message_id = message.id
        db.session.add_all(
            [
                AccountContact(
                    tenant_id=tenant_id,
                    account_id=other.id,
                    contact_id=contact.id,
                    login_enabled=True,
                ),
                DocumentRequest(
                    tenant_id=tenant_id,
                    account_id=account.id,
                    title=f"Document {number:04d}",
                    due_date=now.date() + timedelta(days=number),
                ),
                Invoice(
                    tenant_id=tenant_id,
                    account_id=account.id,
                    sequence=number + 1,
                    number=f"INV-{number + 1:04d}",
                    status="sent",
                    currency="USD",
                    issue_date=now.date(),
                    due_date=now.date() + timedelta(days=number),
                    total_minor=10_000,
                    sent_at=now,
                ),
                Notification(
                    tenant_id=tenant_id,
                    recipient_kind="client",
                    recipient_id=contact.id,
                    kind="message",
                    title=f"Notification {number:04d}",
                    path="/messages/",
                    group_key=f"thread:{thread.id}",
                ),
            ]
        )
    db.session.commit()


def count_statements(who: Any, page: str) -> tuple[list[str], str]:
    assert who.get(page).status_code == 200  # warm the caches
    db.session.expire_all()
    with counting() as statements:
        response = who.get(page)
    assert response.status_code == 200, page
    return statements, response.get_data(as_text=True)


@pytest.mark.slow  # 100 of everything inserted: ~2 s per database
def test_portal_home_runs_three_statements_whatever_the_rows(  # type: ignore[no-untyped-def]
    tenant, member, member_client
) -> None:
    contact, account = member
    counts: dict[int, int] = {}
    made = 0
    for size in (10, 100):
        add_rows(tenant.id, contact, account, made, size)
        made = size
        statements, page = count_statements(member_client, "/")
        # What the statements found is on the page: items, accounts and both badges.
        assert "Document 0000" in page and "Thread 0000" in page and "INV-0001" in page
        assert f"Other {size - 1:04d}" in page  # the account switcher
        assert f'<span class="nav-badge">{size}<' in page  # unread threads on Messages
        bell = str(size) if size < 100 else "99+"
        assert f"data-notification-badge>{bell}<" in page
        assert len(statements) <= HOME_MOST, "\n".join(statements)
        counts[size] = len(statements)
    assert len(set(counts.values())) == 1, f"home statements by rows: {counts}"


def test_home_waiting_list_leaves_out_switched_off_modules(  # type: ignore[no-untyped-def]
    tenant, member, member_client, firm
) -> None:
    """The combined statement follows the module settings the moment the firm saves them."""
    contact, account = member
    add_rows(tenant.id, contact, account, 0, 2)
    assert "INV-0001" in member_client.get("/").get_data(as_text=True)
    from tests.modules.test_modules import MODULES_PAGE, module_form

    firm.submit(MODULES_PAGE, module_form(**{"enabled-invoices": "", "enabled-messages": ""}))
    page = member_client.get("/").get_data(as_text=True)
    assert "INV-0001" not in page and "Thread 0000" not in page and "Document 0000" in page
    assert 'data-module="messages"' not in page
    statements, _ = count_statements(member_client, "/")
    assert len(statements) <= HOME_MOST, "\n".join(statements)


def test_sign_in_page_runs_at_most_one_statement(portal) -> None:  # type: ignore[no-untyped-def]
    statements, page = count_statements(portal, "/sign-in")
    assert 'name="password"' in page
    assert len(statements) <= 1, "\n".join(statements)


@pytest.mark.parametrize("page", MODULE_PAGES)
def test_module_pages_do_not_read_module_settings(  # type: ignore[no-untyped-def]
    tenant, member, member_client, page: str
) -> None:
    contact, account = member
    add_rows(tenant.id, contact, account, 0, 3)
    statements, _ = count_statements(member_client, page)
    settings = [s for s in statements if any(table in s for table in SETTINGS_TABLES)]
    assert not settings, "\n".join(settings)
    # The menu's badge and the bell's count share one statement.
    counts = [s for s in statements if "count(" in s and "notifications" in s]
    assert len(counts) <= 1, "\n".join(counts)


def test_theme_files_are_fingerprinted_and_kept_for_a_year(portal) -> None:  # type: ignore[no-untyped-def]
    page = portal.get("/sign-in").get_data(as_text=True)
    match = re.search(r'href="(/_themes/default/portal\.css\?v=[0-9a-f]{12})"', page)
    assert match, "the stylesheet's URL carries no fingerprint"
    response = portal.get(match.group(1))
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 86400 and response.cache_control.immutable
    stale = portal.get("/_themes/default/portal.css?v=000000000000")
    assert stale.status_code == 200 and stale.cache_control.max_age == 3600
