"""Bulk invite of 10,000 contacts through the real staff form, in embedded and in Redis mode.

    .venv/bin/python -m bench.bulk_invite [--database-url URL] [--contacts 10000]
        [--modes embedded,redis] [--runs 2]

For each mode: a fresh migrated database (SQLite file by default, a new PostgreSQL schema with
--database-url) with one tenant, its owner and N accounts with one pending contact each;
`gunicorn -w 2 -k sync wsgi:app`; in Redis mode also two `python -m portal.cli worker`
processes. The owner signs in through the real form (CSRF token), opens the client list and
posts its bulk form with "select all matching" and "also send the invitations". Measured: the
time until that POST answers (target < 1 s), then until an aiosmtpd sink (its own process) has
all N invitation emails. The baseline, in the same run: plain smtplib sending N messages of the
same size over one connection to the same sink. The ratio is Foyer's rate (emails/s from the
POST to the last email) over smtplib's (target >= 0.5 with two workers). Every run after the
first re-sends the invitations (as "Resend to selected" would): the RSS of the RQ workers
after each run shows whether they grow. Exits non-zero only on a crash, never on a missed target.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import smtplib
import sys
import time
import urllib.parse
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import gunicorn

from bench import common
from bench.outbox_delivery import _message_fields, _mime
from bench.smtp_sink import SinkState, smtp_sink

REQUEST_TARGET = 1.0  # seconds for the bulk POST to answer
RATE_TARGET = 0.5  # Foyer with two workers / smtplib over one connection
SECRET_KEY = "bench-secret-key-0123456789abcdef"
PLATFORM_DOMAIN = "bench.example"
SLUG = "harbor"
HOST = f"{SLUG}.{PLATFORM_DOMAIN}"
OWNER = "owner@harbor.example"
PASSWORD = "bench bulk kettle 58"


@dataclass
class Run:
    request_seconds: float
    delivery_seconds: float  # from sending the POST until the sink counted every email
    emails: int
    progress: str  # the progress page's path
    worker_rss_kib: list[int] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.emails / self.delivery_seconds if self.delivery_seconds else 0.0


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    common.stop_on_sigterm()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if "redis" in modes and not common.redis_available():
        print(f"Redis at {common.REDIS_URL} does not answer; Redis mode left out", file=sys.stderr)
        modes.remove("redis")
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"bulk invite of {args.contacts} contacts; {database}; gunicorn -w 2 sync; "
        f"load average {os.getloadavg()[0]:.1f} (other work on the machine skews the figures)"
    )
    port = common.free_port()
    with common.workdir("foyer-bench-bulk-") as workdir, ExitStack() as stack:
        sink = stack.enter_context(smtp_sink(port))
        baseline = _smtplib_rate(port, args.contacts, sink, args.timeout)
        print(f"  smtplib, one connection: {baseline:6.0f} emails/s")
        results = {mode: _run_mode(mode, args, port, sink, workdir) for mode in modes}
    _report(baseline, results)
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--modes", default="embedded,redis")
    parser.add_argument("--runs", type=int, default=2, help="bulk runs per mode (RSS per run)")
    parser.add_argument("--timeout", type=float, default=600.0, help="give up after (seconds)")
    return parser.parse_args(argv)


def _smtplib_rate(port: int, count: int, sink: SinkState, timeout: float) -> float:
    """N messages built as Flask-Mail builds them, over one connection, until all arrived."""
    messages = [_mime(_message_fields(n)) for n in range(count)]
    sink.reset()
    started = time.monotonic()
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        for n, message in enumerate(messages):
            smtp.sendmail("notifications@bench.example", [f"client{n:05d}@example.com"], message)
    common.wait_until(lambda: sink.count.value >= count, timeout, "the sink to count all")
    return count / (time.monotonic() - started)


def _run_mode(
    mode: str, args: argparse.Namespace, port: int, sink: SinkState, workdir: Path
) -> list[Run]:
    prefix = common.new_redis_prefix()
    runs: list[Run] = []
    (workdir / mode).mkdir()
    with ExitStack() as stack:
        url = stack.enter_context(common.fresh_database(args.database_url, workdir / mode))
        _fill(url, args.contacts)
        env = {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "PLATFORM_DOMAIN": PLATFORM_DOMAIN,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(port),
            "FLASK_APP": "wsgi",
        }
        if mode == "redis":
            stack.callback(common.delete_redis_keys, prefix)
            env |= {"REDIS_URL": common.REDIS_URL, "FOYER_REDIS_KEY_PREFIX": prefix}
        env = common.child_env(env)
        web_port = common.free_port()
        log = workdir / f"{mode}-gunicorn.log"
        args_ = [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "sync"]
        args_ += ["-b", f"127.0.0.1:{web_port}", "--log-level", "warning"]
        if gunicorn.version_info >= (27,):
            args_.append("--no-control-socket")
        args_.append("wsgi:app")
        stack.enter_context(common.running(args_, env, stack.enter_context(open(log, "wb"))))
        workers = []
        if mode == "redis":
            command = [sys.executable, "-m", "portal.cli", "worker"]
            for index in range(2):
                worker_log = stack.enter_context(open(workdir / f"worker-{index}.log", "wb"))
                workers.append(stack.enter_context(common.running(command, env, worker_log)))
        _wait_ready(web_port, log)
        cookie = _sign_in(web_port)
        for number in range(1, args.runs + 1):
            sink.reset()
            run = _bulk(web_port, cookie, args.contacts, sink, args.timeout)
            _wait_done(web_port, cookie, run, args.timeout)
            run.worker_rss_kib = [_rss_kib(worker.pid) for worker in workers]
            runs.append(run)
            rss = ", ".join(f"{kib / 1024:.0f} MiB" for kib in run.worker_rss_kib)
            print(
                f"  {mode:<8} run {number}: POST answered in {run.request_seconds * 1e3:.0f} ms;"
                f" {run.emails} emails in {run.delivery_seconds:.1f}s ({run.rate:.0f}/s)"
                + (f"; RQ worker RSS {rss}" if rss else "")
            )
            if run.emails < args.contacts:
                print(common.log_tail(log, 20))
                for index in range(len(workers)):
                    print(common.log_tail(workdir / f"worker-{index}.log", 20))
    return runs


def _fill(url: str, contacts: int) -> None:
    """One tenant, its owner, `contacts` accounts each with one pending contact (login off)."""
    from sqlalchemy import insert, select

    from portal.app import create_app
    from portal.auth.models import StaffMember
    from portal.auth.passwords import hash_password
    from portal.clients.models import AccountContact, ClientAccount, Contact
    from portal.core.extensions import db
    from tenants.models import Tenant

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        tenant = Tenant(slug=SLUG, name="Harbor & Co", status="active")
        db.session.add(tenant)
        db.session.flush()
        owner = StaffMember(
            tenant_id=tenant.id,
            email=OWNER,
            name="Owner",
            role="owner",
            password_hash=hash_password(PASSWORD),
        )
        db.session.add(owner)
        numbers = range(contacts)
        db.session.execute(
            insert(ClientAccount),
            [
                {"tenant_id": tenant.id, "name": f"Client {n:05d}", "kind": "company"}
                for n in numbers
            ],
        )
        db.session.execute(
            insert(Contact),
            [
                {"tenant_id": tenant.id, "email": f"c{n:05d}@clients.example", "name": f"C {n}"}
                for n in numbers
            ],
        )
        accounts = db.session.scalars(select(ClientAccount.id).order_by(ClientAccount.id)).all()
        people = db.session.scalars(select(Contact.id).order_by(Contact.id)).all()
        db.session.execute(
            insert(AccountContact),
            [
                {"tenant_id": tenant.id, "account_id": a, "contact_id": c, "login_enabled": False}
                for a, c in zip(accounts, people, strict=True)
            ],
        )
        db.session.commit()
        db.engine.dispose()


def _request(
    port: int, method: str, path: str, cookie: str = "", body: str = ""
) -> tuple[int, dict[str, list[str]], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": HOST}
    if cookie:
        headers["Cookie"] = cookie
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        received: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            received.setdefault(name.lower(), []).append(value)
        return response.status, received, response.read()
    finally:
        connection.close()


def _cookies(jar: dict[str, str], headers: dict[str, list[str]]) -> str:
    for line in headers.get("set-cookie", []):
        name, _, value = line.split(";", 1)[0].partition("=")
        jar[name.strip()] = value.strip()
    return "; ".join(f"{name}={value}" for name, value in jar.items() if value)


def _csrf(body: bytes, where: str) -> str:
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)
    if match is None:
        raise RuntimeError(f"no CSRF token on {where}")
    return match.group(1).decode()


def _sign_in(port: int) -> str:
    """Post the real staff sign-in form; return the Cookie header of the session."""
    jar: dict[str, str] = {}
    status, headers, body = _request(port, "GET", "/admin/sign-in")
    cookie = _cookies(jar, headers)
    form = {"csrf_token": _csrf(body, "/admin/sign-in"), "email": OWNER, "password": PASSWORD}
    status, headers, _ = _request(
        port, "POST", "/admin/sign-in", cookie, urllib.parse.urlencode(form)
    )
    if status not in (302, 303):
        raise RuntimeError(f"staff sign-in answered {status}, not a redirect")
    return _cookies(jar, headers)


def _bulk(port: int, cookie: str, contacts: int, sink: SinkState, timeout: float) -> Run:
    status, headers, body = _request(port, "GET", "/admin/clients/", cookie)
    if status != 200:
        raise RuntimeError(f"/admin/clients/ answered {status}")
    cookie = _cookies(dict(part.split("=", 1) for part in cookie.split("; ")), headers)
    form = {
        "csrf_token": _csrf(body, "/admin/clients/"),
        "select_all_matching": "1",
        "send_invitations": "y",
        "personal_message": "Tax season is here: please upload your documents.",
    }
    started = time.monotonic()
    status, headers, _ = _request(
        port, "POST", "/admin/clients/bulk", cookie, urllib.parse.urlencode(form)
    )
    answered = time.monotonic() - started
    if status not in (302, 303):
        raise RuntimeError(f"the bulk form answered {status}, not a redirect")
    print(f"  the bulk POST answered in {answered * 1e3:.0f} ms; waiting for the emails")
    progress = urllib.parse.urlsplit(headers["location"][0]).path
    try:
        common.wait_until(lambda: sink.count.value >= contacts, timeout, "every email", 0.02)
    except TimeoutError as error:
        print(f"  {error}")
    return Run(answered, time.monotonic() - started, sink.count.value, progress)


def _wait_done(port: int, cookie: str, run: Run, timeout: float) -> None:
    """The progress page the staff member sees must reach "Done"."""

    def done() -> bool:
        status, _, body = _request(port, "GET", run.progress, cookie)
        return status == 200 and b"Done:" in body

    common.wait_until(done, timeout, f"{run.progress} to say Done", 0.5)


def _rss_kib(pid: int) -> int:
    """VmRSS of the worker process (the one that stays; RQ forks a work horse per job)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _wait_ready(port: int, log: Path) -> None:
    def answers() -> bool:
        try:
            status, _, _ = _request(port, "GET", "/admin/sign-in")
        except OSError:
            return False
        if status != 200:
            print(common.log_tail(log), file=sys.stderr)
            raise RuntimeError(f"/admin/sign-in answered {status}")
        return True

    try:
        common.wait_until(answers, 300, f"gunicorn on port {port}", 0.2)
    except TimeoutError:
        print(common.log_tail(log), file=sys.stderr)
        raise


def _report(baseline: float, results: dict[str, list[Run]]) -> None:
    print(f"\n{'mode, run':<16} {'POST ms':>8} {'emails/s':>9} {'ratio':>6}  verdict")
    for mode, runs in results.items():
        for number, run in enumerate(runs, 1):
            ratio = run.rate / baseline if baseline else 0.0
            fast = run.request_seconds < REQUEST_TARGET
            verdict = "POST fast" if fast else "POST SLOW"
            if mode == "redis":
                verdict += ", rate meets target" if ratio >= RATE_TARGET else ", rate BELOW target"
            name = f"{mode}, run {number}"
            print(
                f"{name:<16} {run.request_seconds * 1e3:8.0f} {run.rate:9.0f} {ratio:6.2f}  "
                f"{verdict}"
            )
    print(
        f"targets: POST < {REQUEST_TARGET:g} s in both modes; with two RQ workers, emails/s >= "
        f"{RATE_TARGET} x smtplib over one connection ({baseline:.0f}/s in this run); "
        f"load average now {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    sys.exit(main())
