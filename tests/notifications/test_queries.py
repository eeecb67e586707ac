"""The notification centres run the same number of SQL statements at 10 rows as at 100."""

from __future__ import annotations

from portal.core.extensions import db
from portal.notifications.models import Notification
from tests.fixtures.queries import counting


def add(tenant_id: int, kind: str, recipient_id: int, count: int) -> None:
    db.session.add_all(
        Notification(
            tenant_id=tenant_id,
            recipient_kind=kind,
            recipient_id=recipient_id,
            kind="message.new",
            title=f"Message {number}",
            body="Hello",
            path="/",
            group_key=f"thread:{number}",
            read_at=None if number % 2 else db.func.now(),
        )
        for number in range(count)
    )
    db.session.commit()


def statements(client, path: str) -> int:  # type: ignore[no-untyped-def]
    assert client.get(path).status_code == 200  # warm the caches
    with counting() as seen:
        assert client.get(path).status_code == 200
    return len(seen)


def test_centre_queries_do_not_grow(app, tenant, staff, firm, portal_client):
    pages = (
        (portal_client, "client", portal_client.contact_id, "/notifications"),
        (firm, "staff", staff.id, "/admin/notifications/"),
    )
    for client, kind, person, path in pages:
        add(tenant.id, kind, person, 10)
        small = statements(client, path)
        add(tenant.id, kind, person, 90)
        assert statements(client, path) == small, path
