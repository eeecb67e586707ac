"""The to-do list, the client home and the staff list run as many statements at 10 requests as
at 100 (no query per row)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.auth.passwords import hash_password
from portal.clients.models import AccountContact, ClientAccount, Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.documents.models import DocumentRequest
from tests.fixtures.people import tenant_host
from tests.fixtures.queries import counting

PASSWORD = "maple kettle horizon 58"
SIZES = (10, 100)


def _add_requests(tenant_id: int, account_id: int, staff_id: int, start: int, stop: int) -> None:
    today = utcnow().date()
    db.session.add_all(
        DocumentRequest(
            tenant_id=tenant_id,
            account_id=account_id,
            title=f"Document {number:04d}",
            notes="",
            due_date=today + timedelta(days=number % 40) if number % 3 else None,
            status="requested" if number % 4 else "uploaded",
            requested_by_id=staff_id,
            review_comment="",
        )
        for number in range(start, stop)
    )
    db.session.commit()


@pytest.mark.slow
@pytest.mark.parametrize("page", ["/", "/documents/", "/admin/documents/"])
def test_document_pages_query_count_does_not_grow(  # type: ignore[no-untyped-def]
    app, tenant, staff, firm, client_for, page: str
) -> None:
    account = ClientAccount(tenant_id=tenant.id, name="Counting Household", kind="household")
    member = Contact(
        tenant_id=tenant.id,
        email="count@clients.example",
        password_hash=hash_password(PASSWORD),
        activated_at=utcnow(),
    )
    db.session.add_all([account, member])
    db.session.flush()
    db.session.add(
        AccountContact(
            tenant_id=tenant.id, account_id=account.id, contact_id=member.id, login_enabled=True
        )
    )
    db.session.commit()
    if page.startswith("/admin"):
        who = firm
    else:
        who = client_for(tenant_host(tenant))
        response = who.submit("/sign-in", {"email": member.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)

    counts: dict[int, int] = {}
    made = 0
    for size in SIZES:
        _add_requests(tenant.id, account.id, staff.id, made, size)
        made = size
        assert who.get(page).status_code == 200  # warm the caches
        db.session.expire_all()
        with counting() as statements:
            response = who.get(page)
        assert response.status_code == 200
        assert "Document 0001" in response.get_data(as_text=True), "rows not listed"
        counts[size] = len(statements)
    if page != "/":  # the home shows a few of them, with a link to the list
        assert 'rel="next"' in response.get_data(as_text=True), "100 requests on one page"
    assert len(set(counts.values())) == 1, f"{page}: statements per request by rows: {counts}"
