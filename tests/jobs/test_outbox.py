"""All mail goes through the outbox and reaches a real SMTP server through real jobs.

Queued mode uses real Redis and real `foyer worker` processes; embedded mode (no REDIS_URL)
delivers in-process right after the commit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from jobs.mail import deliver_outbox, sweep_outbox
from jobs.queue import enqueue
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.mail.compose import queue_email
from portal.mail.delivery import enqueue_delivery
from portal.mail.models import OutboxMessage, OutboxStatus
from tenants.resolution import snapshot_of
from tests.fixtures.services import REDIS_URL
from tests.fixtures.smtp import SmtpServer, text_of
from tests.fixtures.tenants import OPERATOR_PASSWORD

LINK = "https://acme.foyer.example/admin/invitation/abc"


def queue_invitation(tenant, to: str) -> int:  # type: ignore[no-untyped-def]
    """Write one email to the outbox (not yet committed) and return its row id."""
    message = queue_email(
        snapshot_of(tenant), to, "staff_invitation", link=LINK, expiry_days=7, role="member"
    )
    db.session.flush()
    return message.id


def outbox_row(message_id: int) -> OutboxMessage:
    """The row as committed right now (other processes write it)."""
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message_id)
    assert row is not None
    return row


def eventually(check: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"not within {within} s: {what}"
        time.sleep(0.05)


def finish_burst(worker) -> None:  # type: ignore[no-untyped-def]
    assert worker.wait(timeout=60) == 0


def received_by(smtp, address: str) -> list:  # type: ignore[no-untyped-def]
    return [m for m in smtp.messages if address in str(m["To"])]


# Queued mode: Redis and worker processes ---------------------------------------------------


@pytest.mark.slow
def test_message_is_delivered_once_even_when_its_job_is_enqueued_twice(
    redis_app, tenant, smtp, start_worker
):
    message_id = queue_invitation(tenant, "once@client.example")
    db.session.commit()  # enqueues the delivery job
    enqueue_delivery([message_id])
    enqueue(deliver_outbox, [message_id])
    assert redis_app.extensions["foyer.queue"].count == 3

    finish_burst(start_worker(redis_app, "--burst"))  # each job runs in its own forked process

    delivered = received_by(smtp, "once@client.example")
    assert len(delivered) == 1
    row = outbox_row(message_id)
    assert row.status == OutboxStatus.SENT
    assert row.attempts == 1
    assert delivered[0]["Message-ID"] == row.message_id
    assert LINK in text_of(delivered[0])


@pytest.mark.slow
def test_smtp_down_then_up_is_delivered_after_a_retry(
    app, make_app, redis_prefix, make_tenant, start_worker
):
    server = SmtpServer()  # a port nobody listens on yet
    flaky = make_app(REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=redis_prefix, MAIL_PORT=server.port)
    try:
        with flaky.app_context():
            tenant = make_tenant(slug="acme", name="Acme Accounting")
            message_id = queue_invitation(tenant, "patient@client.example")
            db.session.commit()
            message_id_header = outbox_row(message_id).message_id
            start_worker(flaky)

            def failed_once() -> bool:
                row = outbox_row(message_id)
                return row.attempts >= 1 and row.status == OutboxStatus.QUEUED

            eventually(failed_once, within=20, what="first attempt fails while SMTP is down")
            assert "unavailable" in outbox_row(message_id).last_error
            assert server.messages == []

            server.start()
            eventually(
                lambda: outbox_row(message_id).status == OutboxStatus.SENT,
                within=15,
                what="delivered once the SMTP server is back",
            )
            row = outbox_row(message_id)
            assert row.attempts >= 2
            assert row.last_error is None
            delivered = server.wait_for(1, to="patient@client.example")
            assert len(delivered) == 1
            assert delivered[0]["Message-ID"] == message_id_header  # same id on every attempt
    finally:
        server.stop()


@pytest.mark.slow
def test_permanent_rejection_fails_at_once_and_temporary_after_the_last_retry(
    app, make_app, redis_prefix, make_tenant, smtp, start_worker
):
    # Zero delays put every retry straight back on the queue, so one burst worker runs them all
    # (the scheduled back-off itself is exercised by the SMTP-down test above).
    impatient = make_app(
        REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=redis_prefix, OUTBOX_RETRY_DELAYS="0,0,0"
    )
    smtp.handler.reject["nobody@client.example"] = "550 5.1.1 No such user"
    smtp.handler.reject["greylisted@client.example"] = "451 4.7.1 Greylisted, try again later"
    with impatient.app_context():
        tenant = make_tenant(slug="acme", name="Acme Accounting")
        permanent = queue_invitation(tenant, "nobody@client.example")
        temporary = queue_invitation(tenant, "greylisted@client.example")
        db.session.commit()
        finish_burst(start_worker(impatient, "--burst"))

        row = outbox_row(permanent)
        assert row.status == OutboxStatus.FAILED
        assert row.attempts == 1  # never retried
        assert "550" in row.last_error and "No such user" in row.last_error

        row = outbox_row(temporary)
        assert row.status == OutboxStatus.FAILED
        assert row.attempts == 1 + 3  # the first try and one per retry delay
        assert "451" in row.last_error and "Greylisted" in row.last_error
    assert smtp.messages == []


@pytest.mark.slow
def test_bulk_send_is_batched_into_few_jobs_and_connections(redis_app, tenant, smtp, start_worker):
    redis_app.config["OUTBOX_BATCH_SIZE"] = 30  # production uses 200; smaller keeps this quick
    count = 90
    ids = [queue_invitation(tenant, f"client{n}@bulk.example") for n in range(count)]
    db.session.commit()
    jobs_expected = 3
    assert redis_app.extensions["foyer.queue"].count == jobs_expected

    finish_burst(start_worker(redis_app, "--burst"))

    recipients = sorted(str(m["To"]) for m in smtp.messages)
    assert recipients == sorted(f"client{n}@bulk.example" for n in range(count))
    assert smtp.connections == jobs_expected  # one SMTP connection per batch
    db.session.expire_all()
    sent = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENT
        )
    )
    assert sent == count


# Embedded mode: no REDIS_URL ----------------------------------------------------------------


def test_embedded_mode_delivers_in_process_on_commit(app, tenant, smtp):
    first = queue_invitation(tenant, "first@client.example")
    second = queue_invitation(tenant, "second@client.example")
    assert smtp.messages == []  # nothing leaves before the commit
    db.session.commit()

    assert len(smtp.messages) == 2
    for message_id, address in ((first, "first@client.example"), (second, "second@client.example")):
        row = outbox_row(message_id)
        assert row.status == OutboxStatus.SENT
        (delivered,) = received_by(smtp, address)
        assert delivered["Message-ID"] == row.message_id
        assert delivered["From"].addresses[0].display_name == "Acme Accounting"
    assert outbox_row(first).message_id != outbox_row(second).message_id


def test_rolled_back_mail_is_never_sent(app, tenant, smtp):
    queue_invitation(tenant, "rolled-back@client.example")
    db.session.rollback()
    db.session.commit()
    assert smtp.messages == []
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_without_mail_server_messages_are_kept_and_readable_in_the_mailbox(
    make_app, make_tenant, make_operator, smtp
):
    quiet = make_app(MAIL_SERVER="")
    with quiet.app_context():
        tenant = make_tenant(slug="acme", name="Acme Accounting")
        message_id = queue_invitation(tenant, "kept@client.example")
        db.session.commit()
        assert outbox_row(message_id).status == OutboxStatus.SENT
        make_operator()

        console = quiet.test_client(host="foyer.example")
        signed_in = console.submit(
            "/operator/sign-in", {"email": "ops@foyer.example", "password": OPERATOR_PASSWORD}
        )
        assert signed_in.status_code == 302
        mailbox = console.get("/operator/mailbox").get_data(as_text=True)
        assert "kept@client.example" in mailbox
        assert "Acme Accounting: you&#39;re invited to manage the client portal" in mailbox
        assert "sent" in mailbox
        assert "No MAIL_SERVER is configured" in mailbox
        message = console.get(f"/operator/mailbox/{message_id}").get_data(as_text=True)
        assert LINK in message
    assert smtp.messages == []


def test_sweep_delivers_messages_whose_job_was_lost(app, tenant, smtp):
    snapshot = snapshot_of(tenant)
    now = utcnow()
    rows = [
        OutboxMessage(
            tenant_id=snapshot.id,
            kind="staff_invitation",
            to_address=address,
            from_address="Acme Accounting <notifications@foyer.example>",
            subject="Lost job",
            text_body="hello",
            html_body="<p>hello</p>",
            message_id=f"<{address}>",
            next_attempt_at=now - timedelta(seconds=age),
        )
        for address, age in (("lost@client.example", 300), ("fresh@client.example", 0))
    ]
    db.session.add_all(rows)  # written without queue_email: no job was ever enqueued
    db.session.commit()
    assert smtp.messages == []

    assert sweep_outbox() == 1
    assert [str(m["To"]) for m in smtp.messages] == ["lost@client.example"]


def test_tenant_name_cannot_inject_mail_headers(app, make_tenant, smtp):
    for number, name in enumerate(("Evil\r\nBcc: victim@example.com", "Evil\nX-Header: 1")):
        tenant = make_tenant(slug=f"evil{number}", name=name)
        queue_invitation(tenant, f"target{number}@client.example")
        db.session.commit()
        (delivered,) = received_by(smtp, f"target{number}@client.example")
        assert delivered["Bcc"] is None and delivered["X-Header"] is None
        assert [str(a) for a in delivered["To"].addresses] == [f"target{number}@client.example"]
    assert len(smtp.messages) == 2
    for raw in smtp.handler.raw:  # no injected line in the header block that went on the wire
        header_block = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
        lines = header_block.split(b"\n")
        assert not [line for line in lines if line.startswith((b"Bcc:", b"X-Header:"))]
