"""Outbox delivery rate of two real `foyer worker` processes against plain smtplib.

    .venv/bin/python -m bench.outbox_delivery [--database-url URL] [--messages 10000]

Both sides deliver the same messages to the same kind of SMTP server (an aiosmtpd sink in its
own process that counts what arrives). Foyer's side: outbox rows in a fresh migrated database,
jobs enqueued with jobs.mail.enqueue_delivery, `python -m portal.cli worker --burst` x 2, timed
from starting the workers until every row is 'sent'. Needs Redis at 127.0.0.1:6379 (keys under
a unique prefix, deleted afterwards). Exits non-zero only on a crash, never on a missed target.
"""

from __future__ import annotations

import argparse
import os
import smtplib
import sys
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from bench import common
from bench.smtp_sink import SinkState, smtp_sink

TARGET = 0.5
SECRET_KEY = "bench-secret-key-0123456789abcdef"
SENDER = "Harbor & Co <notifications@bench.example>"
TEXT = (
    "Hello,\n\nA new document was shared with you in your client portal: {n}.pdf.\n"
    "Sign in to read it: https://harbor.bench.example/files/{n}\n\n"
    "If you did not expect this message, you can ignore it.\n\n-- Harbor & Co\n"
)
HTML = (
    "<!doctype html><html><body><p>Hello,</p><p>A new document was shared with you in your "
    'client portal: <strong>{n}.pdf</strong>.</p><p><a href="https://harbor.bench.example/'
    'files/{n}">Sign in to read it</a></p><p>If you did not expect this message, you can '
    "ignore it.</p><p>&mdash; Harbor &amp; Co</p></body></html>"
)


@dataclass(frozen=True)
class Timing:
    messages: int
    seconds: float
    startup: float  # until the first message reached the server
    span: float  # from the first to the last message at the server
    sender_cpu: float  # seconds of CPU in the sending processes (this loop, or the workers)
    sink_cpu: float  # seconds of CPU in the SMTP server

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    def per_message_ms(self, seconds: float) -> float:
        return seconds / self.messages * 1e3


class Clock:
    """Start of a measured run, in both the monotonic clock and the sink's wall clock."""

    def __init__(self, sink: SinkState) -> None:
        self.sink = sink
        self.wall = time.time()
        self.monotonic = time.monotonic()
        self.sink_cpu = common.process_cpu_seconds(sink.pid)

    def stop(self, sender_cpu: float) -> Timing:
        sink = self.sink
        return Timing(
            messages=sink.count.value,
            seconds=time.monotonic() - self.monotonic,
            startup=sink.first.value - self.wall if sink.first.value else 0.0,
            span=sink.last.value - sink.first.value,
            sender_cpu=sender_cpu,
            sink_cpu=common.process_cpu_seconds(sink.pid) - self.sink_cpu,
        )


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    common.stop_on_sigterm()
    if not common.redis_available():
        print(f"Redis at {common.REDIS_URL} does not answer; start it first", file=sys.stderr)
        return 2
    messages = [_message_fields(n) for n in range(args.messages)]
    prefix = common.new_redis_prefix()
    port = common.free_port()
    with common.workdir("foyer-bench-outbox-") as workdir, ExitStack() as stack:
        stack.callback(common.delete_redis_keys, prefix)
        url = stack.enter_context(common.fresh_database(args.database_url, workdir))
        _fill_outbox(url, messages)
        sink = stack.enter_context(smtp_sink(port))
        database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        print(
            f"{len(messages)} messages to an aiosmtpd sink on 127.0.0.1:{port}; {database}; "
            f"{args.workers} workers; load average {os.getloadavg()[0]:.1f} "
            "(other work on the machine skews the figures)"
        )
        baseline = _run_smtplib(port, messages, sink, args.timeout)
        _print_side("smtplib, one connection", baseline)
        sink.reset()
        foyer = _run_workers(url, prefix, port, args, sink, workdir, stack)
        _print_side(f"Foyer, {args.workers} RQ workers", foyer)
        if foyer.messages >= len(messages):
            _report(baseline, foyer, args.workers)
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=180.0, help="give up after (seconds)")
    return parser.parse_args(argv)


def _message_fields(n: int) -> dict[str, str]:
    return {
        "to_address": f"client{n:05d}@example.com",
        "from_address": SENDER,
        "subject": f"New document: statement-{n:05d}.pdf",
        "text_body": TEXT.format(n=f"statement-{n:05d}"),
        "html_body": HTML.format(n=f"statement-{n:05d}"),
        "message_id": f"<{uuid.uuid4().hex}@bench.example>",
    }


def _fill_outbox(url: str, messages: list[dict[str, str]]) -> None:
    now = datetime.now()
    tenant = {
        "id": 1,
        "slug": "harbor",
        "name": "Harbor & Co",
        "status": "active",
        "theme": "default",
        "signup_mode": "invite_only",
        "welcome_message": "",
        "invite_expiry_days": 14,
        "created_at": now,
    }
    common.insert_rows(url, "tenants", [tenant])
    extra = {"tenant_id": 1, "kind": "bench", "reply_to": None, "status": "queued"}
    extra |= {"attempts": 0, "next_attempt_at": now, "created_at": now}
    common.insert_rows(url, "outbox_messages", [fields | extra for fields in messages])


def _run_smtplib(
    port: int, messages: list[dict[str, str]], sink: SinkState, timeout: float
) -> Timing:
    """The baseline: build each message as Flask-Mail does (email.mime), one connection."""
    clock = Clock(sink)
    cpu = time.process_time()
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        for fields in messages:
            smtp.sendmail(fields["from_address"], [fields["to_address"]], _mime(fields))
    cpu = time.process_time() - cpu
    common.wait_until(lambda: sink.count.value >= len(messages), timeout, "the sink to count all")
    return clock.stop(cpu)


def _mime(fields: dict[str, str]) -> bytes:
    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText(fields["text_body"], "plain", "utf-8"))
    alternative.attach(MIMEText(fields["html_body"], "html", "utf-8"))
    message = MIMEMultipart()
    message.attach(alternative)
    message["Subject"] = fields["subject"]
    message["From"] = fields["from_address"]
    message["To"] = fields["to_address"]
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = fields["message_id"]
    message.policy = policy.SMTP
    return message.as_bytes()


def _run_workers(
    url: str,
    prefix: str,
    port: int,
    args: argparse.Namespace,
    sink: SinkState,
    workdir: Path,
    stack: ExitStack,
) -> Timing:
    jobs = _enqueue(url, prefix, port)
    env = common.child_env(
        {
            "DATABASE_URL": url,
            "REDIS_URL": common.REDIS_URL,
            "SECRET_KEY": SECRET_KEY,
            "FOYER_REDIS_KEY_PREFIX": prefix,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(port),
            "FLASK_APP": "wsgi",
        }
    )
    command = [sys.executable, "-m", "portal.cli", "worker", "--burst"]
    logs = [workdir / f"worker-{index}.log" for index in range(args.workers)]
    engine = create_engine(url)
    stack.callback(engine.dispose)
    clock = Clock(sink)
    workers = [
        stack.enter_context(common.running(command, env, stack.enter_context(open(log, "wb"))))
        for log in logs
    ]
    total = args.messages

    def stopped() -> bool:
        return all(worker.poll() is not None for worker in workers)

    try:
        common.wait_until(
            lambda: sink.count.value >= total or stopped(), args.timeout, "every message"
        )
        # Only now read the database, so polling does not contend with the workers' writes.
        common.wait_until(
            lambda: _statuses(engine)["sent"] >= total or stopped(),
            30.0,
            "every row to be 'sent'",
            interval=0.02,
        )
    except TimeoutError as error:
        print(f"  {error}")
    # Burst workers are still alive (idle) here: their CPU includes every reaped work horse.
    timing = clock.stop(sum(common.group_cpu_seconds(worker.pid) for worker in workers))
    statuses = _statuses(engine)
    if statuses["sent"] < total:
        print(
            f"  INCOMPLETE after {timing.seconds:.1f}s: rows {dict(statuses)}, "
            f"sink counted {sink.count.value}, {jobs} jobs enqueued"
        )
        for log in logs:
            print(f"  --- {log.name} (last lines)\n{common.log_tail(log, 15)}")
    return timing


def _enqueue(url: str, prefix: str, port: int) -> int:
    from jobs.mail import enqueue_delivery
    from portal.app import create_app
    from portal.core.extensions import db

    config = {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "REDIS_URL": common.REDIS_URL}
    config |= {"REDIS_KEY_PREFIX": prefix, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}
    app = create_app(config)
    with app.app_context():
        ids = list(db.session.scalars(text("SELECT id FROM outbox_messages ORDER BY id")))
        db.session.remove()
        enqueue_delivery(ids)
        jobs = app.extensions["foyer.queue"].count
        db.engine.dispose()
    app.extensions["foyer.redis"].close()
    return jobs


def _statuses(engine: Engine) -> Counter[str]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT status, COUNT(*) FROM outbox_messages GROUP BY status"))
        return Counter({status: count for status, count in rows})


def _print_side(name: str, timing: Timing) -> None:
    steady = (timing.messages - 1) / timing.span if timing.span > 0 else 0.0
    print(
        f"  {name:<24} {timing.rate:6.0f} messages/s  ({timing.seconds:.1f}s; first message "
        f"after {timing.startup:.1f}s, then {steady:.0f}/s; CPU per message: sender "
        f"{timing.per_message_ms(timing.sender_cpu):.2f} ms, "
        f"SMTP server {timing.per_message_ms(timing.sink_cpu):.2f} ms)"
    )


def _report(baseline: Timing, foyer: Timing, workers: int) -> None:
    ratio = foyer.rate / baseline.rate
    print(f"\n{'side':<24} {'seconds':>8} {'messages/s':>11} {'ratio':>6}")
    print(f"{'smtplib, one connection':<24} {baseline.seconds:8.1f} {baseline.rate:11.0f}")
    verdict = "meets target" if ratio >= TARGET else "BELOW target"
    name = f"Foyer, {workers} workers"
    print(f"{name:<24} {foyer.seconds:8.1f} {foyer.rate:11.0f} {ratio:6.2f}  {verdict}")
    print(f"target: Foyer / smtplib >= {TARGET} (load average now {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    sys.exit(main())
