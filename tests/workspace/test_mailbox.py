"""The operator's mailbox is a paginated list: filters and sort in the URL, flat query count."""

from __future__ import annotations

from portal.core.extensions import db
from portal.core.pagination import PER_PAGE
from portal.mail.models import OutboxMessage
from tests.fixtures.queries import counting
from tests.fixtures.tenants import OPERATOR_PASSWORD, HostClient


def _messages(tenant_id: int, start: int, stop: int) -> None:
    db.session.add_all(
        OutboxMessage(
            tenant_id=tenant_id,
            kind="invitation" if n % 2 else "reset",
            to_address=f"person{n}@clients.example",
            from_address="Acme <portal@acme.example>",
            subject=f"Message {n:04d}",
            text_body="",
            html_body="",
            message_id=f"<{n}@acme.example>",
            status="sent" if n % 3 else "failed",
        )
        for n in range(start, stop)
    )
    db.session.commit()


def _console(platform: HostClient, make_operator) -> HostClient:  # type: ignore[no-untyped-def]
    make_operator()
    response = platform.submit(
        "/operator/sign-in", {"email": "ops@foyer.example", "password": OPERATOR_PASSWORD}
    )
    assert response.status_code == 302
    return platform


def test_mailbox_pages_filters_and_query_count(platform: HostClient, make_operator, tenant) -> None:  # type: ignore[no-untyped-def]
    console = _console(platform, make_operator)
    counts = {}
    made = 0
    for size in (10, PER_PAGE * 2 + 5):
        _messages(tenant.id, made, size)
        made = size
        console.get("/operator/mailbox")
        with counting() as statements:
            page = console.get("/operator/mailbox").get_data(as_text=True)
        counts[size] = len(statements)
        assert f"Message {size - 1:04d}" in page, "newest first"
    assert len(set(counts.values())) == 1, counts
    failed_resets = console.get("/operator/mailbox?status=failed&kind=reset").get_data(as_text=True)
    assert "Message 0000" in failed_resets and "Message 0001" not in failed_resets
    assert "Message 0003" not in failed_resets  # failed but an invitation
    sent = console.get("/operator/mailbox?status=sent&sort=subject").get_data(as_text=True)
    assert "Message 0001" in sent and "Message 0000" not in sent
    following = sent.split('rel="next" href="')[1].split('"')[0]
    assert "status=sent" in following and "sort=subject" in following and "page=2" in following
    assert console.get("/operator/mailbox?page=999").status_code == 200
