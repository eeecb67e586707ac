"""All mail goes through the outbox and reaches a real SMTP server through real jobs.

Queued mode uses real Redis and real `foyer worker` processes; embedded mode (no REDIS_URL)
delivers in-process right after the commit.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from jobs.mail import deliver_outbox, sweep_outbox
from jobs.queue import JOB_TIMEOUT, enqueue
from portal.clients import directory
from portal.clients.invitations import send_invitation
from portal.clients.models import Contact, Invitation
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.mail.compose import queue_email
from portal.mail.delivery import enqueue_delivery
from portal.mail.models import OutboxMessage, OutboxStatus
from tenants.resolution import snapshot_of
from tests.fixtures.faults import FaultProxy
from tests.fixtures.services import REDIS_URL
from tests.fixtures.smtp import RecordingHandler, SmtpServer, text_of
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
            others = [queue_invitation(tenant, f"also{n}@client.example") for n in range(5)]
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
                lambda: all(
                    outbox_row(i).status == OutboxStatus.SENT for i in [message_id, *others]
                ),
                within=15,
                what="delivered once the SMTP server is back",
            )
            row = outbox_row(message_id)
            assert row.attempts >= 2
            assert row.last_error is None
            delivered = server.wait_for(1, to="patient@client.example")
            assert len(delivered) == 1
            assert delivered[0]["Message-ID"] == message_id_header  # same id on every attempt
            time.sleep(1)  # a late duplicate would arrive within the retry delay (1 s)
            recipients = sorted(str(m["To"]) for m in server.messages)
            expected = ["patient@client.example"] + [f"also{n}@client.example" for n in range(5)]
            assert recipients == sorted(expected)  # everything, once
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
        snapshot = snapshot_of(tenant)
        account = directory.create_account(tenant.id, "Nobody Household")
        contact = directory.add_contact(tenant.id, account, "nobody@client.example", login=True)
        send_invitation(snapshot, contact, invited_by="Test (team)")
        db.session.flush()
        (permanent,) = db.session.scalars(select(OutboxMessage.id))
        temporary = queue_invitation(tenant, "greylisted@client.example")
        db.session.commit()
        finish_burst(start_worker(impatient, "--burst"))

        row = outbox_row(permanent)
        assert row.status == OutboxStatus.FAILED
        assert row.attempts == 1  # never retried
        assert row.last_error == "recipient refused: 550 5.1.1 No such user"
        # Shown to staff as bounced: the address is flagged, the invitation marked.
        contact = db.session.get(Contact, contact.id)
        assert contact.email_problem == "Bounced: recipient refused: 550 5.1.1 No such user"
        invitation = db.session.scalar(select(Invitation))
        assert invitation.bounced_at is not None
        assert invitation.bounce_reason == "recipient refused: 550 5.1.1 No such user"
        (status_row,) = directory.account_contacts(tenant.id, account.id)
        assert status_row.status == "Bounced"

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


# SMTP faults -------------------------------------------------------------------------------


def test_silent_smtp_server_is_cut_off_by_the_timeout_then_delivered(make_app, make_tenant, smtp):
    """A server that accepts the connection and never answers costs MAIL_TIMEOUT, far under
    the job timeout (JOB_TIMEOUT), and the message goes out once it answers again."""
    proxy = FaultProxy("127.0.0.1", smtp.port).start()
    proxy.silent()
    try:
        hanging = make_app(MAIL_PORT=proxy.port, MAIL_TIMEOUT=1, OUTBOX_RETRY_DELAYS="1,1,1")
        with hanging.app_context():
            tenant = make_tenant(slug="acme", name="Acme Accounting")
            message_id = queue_invitation(tenant, "waiting@client.example")
            started = time.monotonic()
            db.session.commit()  # embedded mode: this attempt runs in-process, right now
            elapsed = time.monotonic() - started
            assert elapsed < 3 < JOB_TIMEOUT / 10
            row = outbox_row(message_id)
            assert row.status == OutboxStatus.QUEUED and row.attempts == 1
            assert "timed out" in row.last_error
            assert proxy.accepted >= 1 and smtp.messages == []

            proxy.open()
            eventually(
                lambda: outbox_row(message_id).status == OutboxStatus.SENT,
                within=10,
                what="delivered once the server answers",
            )
            assert len(smtp.wait_for(1, to="waiting@client.example")) == 1
    finally:
        proxy.stop()


@pytest.mark.slow
def test_temporary_rejection_is_retried_with_back_off_until_delivered(
    app, make_app, redis_prefix, make_tenant, smtp, start_worker
):
    delays = (1, 3)
    patient = make_app(
        REDIS_URL=REDIS_URL,
        REDIS_KEY_PREFIX=redis_prefix,
        OUTBOX_RETRY_DELAYS=",".join(map(str, (*delays, 30))),
    )
    smtp.handler.reject["greylisted@client.example"] = "451 4.7.1 Greylisted, try again later"
    with patient.app_context():
        tenant = make_tenant(slug="acme", name="Acme Accounting")
        message_id = queue_invitation(tenant, "greylisted@client.example")
        db.session.commit()
        header = outbox_row(message_id).message_id
        start_worker(patient)
        for attempt, delay in enumerate(delays, start=1):

            def refused(attempt: int = attempt) -> bool:
                row = outbox_row(message_id)
                return row.attempts == attempt and row.status == OutboxStatus.QUEUED

            eventually(refused, within=15, what=f"attempt {attempt} refused with 451")
            seen = utcnow()
            row = outbox_row(message_id)
            assert "451 4.7.1 Greylisted" in row.last_error
            wait = (row.next_attempt_at - seen).total_seconds()
            assert delay - 0.6 < wait <= delay, f"attempt {attempt}: next in {wait:.2f} s"
            if attempt == len(delays):
                del smtp.handler.reject["greylisted@client.example"]  # the greylist lets go
        eventually(
            lambda: outbox_row(message_id).status == OutboxStatus.SENT,
            within=15,
            what="delivered on the attempt after the greylist let go",
        )
        row = outbox_row(message_id)
        assert row.attempts == len(delays) + 1 and row.last_error is None
        (delivered,) = smtp.wait_for(1, to="greylisted@client.example")
        assert delivered["Message-ID"] == header


class _SlowAcceptingHandler(RecordingHandler):
    """Records each message, then takes a while to say 250: a worker killed in that window
    has handed the message over without learning it, so it will be sent again."""

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        reply = await super().handle_DATA(server, session, envelope)
        self.holding = True
        await asyncio.sleep(0.3)
        self.holding = False
        return reply

    holding = False


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.mark.slow
def test_worker_killed_mid_batch_loses_nothing_and_a_duplicate_keeps_its_message_id(
    app, make_app, redis_prefix, make_tenant, start_worker
):
    server = SmtpServer()
    server.handler = handler = _SlowAcceptingHandler()
    server.start()
    try:
        doomed = make_app(REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=redis_prefix, MAIL_PORT=server.port)
        with doomed.app_context():
            tenant = make_tenant(slug="acme", name="Acme Accounting")
            addresses = [f"batch{n}@client.example" for n in range(20)]
            ids = [queue_invitation(tenant, address) for address in addresses]
            db.session.commit()  # one job: the whole batch over one connection
            worker = start_worker(doomed)
            eventually(
                lambda: len(server.messages) >= 6 and handler.holding,
                within=20,
                what="batch under way, a message received but not yet acknowledged",
            )
            for pid in [*_children(worker.pid), worker.pid]:  # the work horse, then the worker
                os.kill(pid, signal.SIGKILL)
            worker.wait(timeout=10)
            handed_over = len(server.messages)
            assert handed_over < len(addresses), "the kill came too late to test anything"
            db.session.expire_all()
            stranded = db.session.scalar(
                select(func.count(OutboxMessage.id)).where(
                    OutboxMessage.status == OutboxStatus.SENDING
                )
            )
            assert stranded >= 1  # claimed by the dead worker

            # Recovery: the dead worker's lease runs out (set back instead of waiting
            # OUTBOX_LEASE_SECONDS), the sweep hands the rows to a fresh worker.
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.SENDING)
                .values(claimed_until=utcnow() - timedelta(seconds=1))
            )
            db.session.commit()
            assert sweep_outbox() == stranded
            finish_burst(start_worker(doomed, "--burst"))

            rows = {i: outbox_row(i) for i in ids}
            assert {row.status for row in rows.values()} == {OutboxStatus.SENT}
            by_address: dict[str, list[str]] = {}
            for message in server.messages:
                by_address.setdefault(str(message["To"]), []).append(message["Message-ID"])
            assert sorted(by_address) == sorted(addresses)  # none lost
            duplicates = {a: m for a, m in by_address.items() if len(m) > 1}
            # Exactly the message in flight at the kill: received, never acknowledged.
            assert len(duplicates) == 1, by_address
            for row in rows.values():
                assert set(by_address[row.to_address]) == {row.message_id}  # same Message-ID
    finally:
        server.stop()
