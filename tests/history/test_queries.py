"""The History pages run the same number of SQL statements at 10 and at 100 events."""

from __future__ import annotations

from portal.core.extensions import db
from portal.messaging.models import Message, Thread
from tests.fixtures.queries import counting


def _add_messages(tenant_id: int, thread_id: int, count: int) -> None:
    for number in range(count):
        db.session.add(
            Message(
                tenant_id=tenant_id,
                thread_id=thread_id,
                author_kind="client",
                author_name="Pat Doe",
                body=f"note {number}",
            )
        )
    db.session.commit()


def test_history_query_counts_do_not_grow(world, firm):
    thread = db.session.query(Thread).filter_by(account_id=world["account_id"]).first()
    pages = ("/history/", "/history/?kind=message")
    staff_pages = (f"/admin/clients/{world['account_id']}/history",)
    counts: dict[str, list[int]] = {}
    for size in (10, 100):
        _add_messages(thread.tenant_id, thread.id, size - (10 if size == 100 else 0))
        for client, paths in ((world["pat"], pages), (firm, staff_pages)):
            for path in paths:
                client.get(path)  # warm the caches
                with counting() as statements:
                    response = client.get(path)
                assert response.status_code == 200
                counts.setdefault(path, []).append(len(statements))
                if size == 100:
                    assert 'rel="next"' in response.get_data(as_text=True), f"{path}: one page"
    for path, (at_10, at_100) in counts.items():
        assert at_10 == at_100, f"{path}: {at_10} statements at 10 rows, {at_100} at 100"
