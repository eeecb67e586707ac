"""The teammate requests list runs the same number of SQL statements at 10 rows as at 60."""

from __future__ import annotations

from portal.clients import directory
from portal.clients.teammates import TeammateRequest
from portal.core.extensions import db
from tests.fixtures.queries import counting


def _add(tenant_id: int, start: int, stop: int) -> None:
    for number in range(start, stop):
        account = directory.create_account(tenant_id, f"Account {number:03d}")
        contact = directory.add_contact(tenant_id, account, f"c{number}@clients.example", "C")
        db.session.add(
            TeammateRequest(
                tenant_id=tenant_id,
                account_id=account.id,
                requested_by_contact_id=contact.id,
                email=f"mate{number}@clients.example",
            )
        )
    db.session.commit()


def test_same_statements_at_10_and_60_rows(firm, tenant):
    counts = []
    for start, stop in ((0, 10), (10, 60)):
        _add(tenant.id, start, stop)
        firm.get("/admin/share/teammates")  # warm the caches
        with counting() as statements:
            response = firm.get("/admin/share/teammates")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
