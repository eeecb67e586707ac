"""The inbox, a thread and the request lists run the same number of statements at 10 rows as
at 100 (threads, messages with attachments, requests)."""

from __future__ import annotations

import pytest

from portal.core.extensions import db
from portal.messaging.models import (
    ClientRequest,
    Message,
    MessageAttachment,
    RequestType,
    Service,
    Thread,
)
from tests.fixtures.queries import counting
from tests.messaging.conftest import account_id

SIZES = (10, 100)


def add_threads(tenant_id: int, account: int, contact_id: int, start: int, stop: int) -> None:
    """Threads start..stop-1, every other one a request, each with one client message."""
    kind = db.session.query(RequestType).first() or RequestType(tenant_id=tenant_id, name="Info")
    service = db.session.query(Service).first() or Service(tenant_id=tenant_id, name="Payroll")
    db.session.add_all([kind, service])
    for number in range(start, stop):
        thread = Thread(
            tenant_id=tenant_id,
            account_id=account,
            subject=f"Thread {number:04d}",
            created_by_kind="client",
            created_by_id=contact_id,
        )
        db.session.add(thread)
        db.session.flush()
        message = Message(
            tenant_id=tenant_id,
            thread_id=thread.id,
            author_kind="client",
            author_id=contact_id,
            author_name="Jane",
            body=f"Body {number}",
        )
        db.session.add(message)
        db.session.flush()
        thread.last_client_message_id = message.id
        if number % 2:
            db.session.add(
                ClientRequest(
                    tenant_id=tenant_id,
                    account_id=account,
                    thread_id=thread.id,
                    type_id=kind.id,
                    service_id=service.id,
                    subject=f"Thread {number:04d}",
                )
            )
    db.session.commit()


def add_messages(tenant_id: int, thread: Thread, start: int, stop: int) -> None:
    """Messages start..stop-1 in one thread, alternating sides, each with an attachment row."""
    for number in range(start, stop):
        side = "client" if number % 2 else "staff"
        message = Message(
            tenant_id=tenant_id,
            thread_id=thread.id,
            author_kind=side,
            author_name=f"Person {number}",
            body=f"Message {number:04d} https://example.com/{number}",
        )
        db.session.add(message)
        db.session.flush()
        db.session.add(
            MessageAttachment(
                tenant_id=tenant_id,
                message_id=message.id,
                file_id=number + 1,
                name=f"file-{number}.pdf",
                size=10,
            )
        )
        setattr(thread, f"last_{side}_message_id", message.id)
    db.session.commit()


def count(client, path: str) -> int:  # type: ignore[no-untyped-def]
    assert client.get(path).status_code == 200  # warm the caches
    db.session.expire_all()
    with counting() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.slow  # 100 threads inserted and each page counted twice per size
@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("firm", "/admin/inbox/"),
        ("firm", "/admin/requests/"),
        ("jane", "/messages/"),
        ("jane", "/requests/"),
    ],
)
def test_lists_run_constant_queries(app, tenant, firm, jane, who: str, path: str) -> None:  # type: ignore[no-untyped-def]
    client = {"firm": firm, "jane": jane}[who]
    account = account_id()
    contact_id = db.session.scalar(db.select(Message.author_id).limit(1)) or 1
    counts: dict[int, int] = {}
    made = 0
    for size in SIZES:
        add_threads(tenant.id, account, contact_id, made, size)
        made = size
        counts[size] = count(client, path)
        page = client.get(path).get_data(as_text=True)
        assert f"Thread {size - 1:04d}" in page, "newest rows not listed"
    assert counts[10] == counts[100], f"{path}: statements by rows {counts}"


@pytest.mark.slow
@pytest.mark.parametrize("who", ["firm", "jane"])
def test_a_thread_runs_constant_queries(app, tenant, firm, jane, who: str) -> None:  # type: ignore[no-untyped-def]
    thread = Thread(
        tenant_id=tenant.id, account_id=account_id(), subject="Long one", created_by_kind="staff"
    )
    db.session.add(thread)
    db.session.commit()
    client = {"firm": firm, "jane": jane}[who]
    path = f"/admin/inbox/{thread.id}" if who == "firm" else f"/messages/{thread.id}"
    counts: dict[int, int] = {}
    made = 0
    for size in SIZES:
        add_messages(tenant.id, thread, made, size)
        made = size
        counts[size] = count(client, path)
        page = client.get(path).get_data(as_text=True)
        assert f"Message {size - 1:04d}" in page and f"file-{size - 1}.pdf" in page
    assert counts[10] == counts[100], f"{path}: statements by messages {counts}"
    assert "?before=" in client.get(path).get_data(as_text=True)  # earlier ones: a link
