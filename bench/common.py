"""Shared plumbing for the benchmarks: processes that always stop, fresh databases, Redis keys."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from sqlalchemy import MetaData, Table, create_engine, insert, text

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/0"
# Settings the app reads from the environment; a child gets only the ones a benchmark passes.
APP_ENV_NAMES = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "PLATFORM_DOMAIN",
    "MAIL_SERVER",
    "MAIL_PORT",
    "FLASK_APP",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(extra: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without any app setting, plus `extra`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FOYER_") and key not in APP_ENV_NAMES
    }
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so `with` blocks stop every child before we exit."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


@contextmanager
def running(args: list[str], env: Mapping[str, str], log: IO[bytes]) -> Iterator[subprocess.Popen]:
    """Start a child in its own process group; on exit stop that group (gunicorn's workers too)."""
    process = subprocess.Popen(
        args, env=dict(env), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen, timeout: float = 10.0) -> None:
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()
    # Workers of a process group may outlive their parent for a moment.
    _signal_group(process, signal.SIGKILL)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) of a process group's live processes and their reaped children."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = _stat_fields(stat)
        if fields and int(fields[2]) == pgid:
            ticks += sum(int(value) for value in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    fields = _stat_fields(Path(f"/proc/{pid}/stat"))
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def _stat_fields(path: Path) -> list[str]:
    """/proc/<pid>/stat after the command name: state, ppid, pgrp, ..., utime, stime, cutime…"""
    try:
        return path.read_text().rpartition(")")[2].split()
    except OSError:
        return []


def wait_until(
    check: Callable[[], bool], timeout: float, what: str, interval: float = 0.05
) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextmanager
def fresh_database(database_url: str | None, workdir: Path) -> Iterator[str]:
    """A migrated, empty database: a new SQLite file, or a new schema dropped afterwards."""
    if not database_url:
        url = f"sqlite:///{workdir / 'foyer.sqlite'}"
        migrate(url)
        yield url
        return
    schema = f"foyer_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in database_url else "?"
    url = f"{database_url}{separator}options=-csearch_path%3D{schema}"
    try:
        migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def migrate(url: str) -> None:
    """Build the schema with the real Alembic migrations, as tests/fixtures/database.py does."""
    import logging

    from flask_migrate import upgrade

    from portal.app import create_app
    from portal.core.extensions import db

    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-migrations"})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def insert_rows(url: str, table_name: str, rows: list[dict[str, object]]) -> None:
    """Bulk insert into the table as migrated (not the ORM model, which may be ahead of it)."""
    engine = create_engine(url)
    try:
        table = Table(table_name, MetaData(), autoload_with=engine)
        with engine.begin() as conn:
            conn.execute(insert(table), rows)
    finally:
        engine.dispose()


def redis_available(url: str = REDIS_URL) -> bool:
    from redis import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        return bool(client.ping())
    except (RedisError, OSError):
        return False
    finally:
        client.close()


def new_redis_prefix() -> str:
    return f"foyer-bench-{uuid.uuid4().hex[:12]}:"


def delete_redis_keys(prefix: str, url: str = REDIS_URL) -> int:
    """Delete every key of one run: its prefix, and RQ's keys for its queue, jobs and workers.

    RQ names job and worker keys by id, not by queue, so jobs are found through the queue's
    registries and job hashes, and workers through their `queues` field.
    """
    from redis import Redis

    client = Redis.from_url(url)
    try:
        rq_keys = [key.decode() for key in client.scan_iter(match="rq:*", count=1000)]
        mine = {key for key in rq_keys if prefix in key}
        job_ids: set[str] = set()
        for key in rq_keys:
            kind = key.split(":")[1]
            if kind == "job" and _field(client, key, "origin").startswith(prefix):
                job_ids.add(key.split(":")[2])
            elif kind == "worker" and prefix in _field(client, key, "queues"):
                mine.add(key)
        for key in mine:
            if client.type(key) == b"zset":
                job_ids.update(m.decode().split(":")[0] for m in client.zrange(key, 0, -1))
            elif client.type(key) == b"list":
                job_ids.update(m.decode() for m in client.lrange(key, 0, -1))
        mine |= {key for key in rq_keys if any(job_id in key for job_id in job_ids)}
        mine |= {key.decode() for key in client.scan_iter(match=f"{prefix}*", count=1000)}
        if mine:
            client.delete(*mine)
        return len(mine)
    finally:
        client.close()


def _field(client: Any, key: str, field: str) -> str:
    if client.type(key) != b"hash":
        return ""
    return (client.hget(key, field) or b"").decode()


@contextmanager
def workdir(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as path:
        yield Path(path)


# --- helpers added for bench.signin_burst, bench.dns_checks and bench.scale_out ---------------


def gunicorn_args(port: int, workers: int, *extra: str) -> list[str]:
    """The README's production command (gunicorn.conf.py) on a free port, plus `extra`."""
    import gunicorn

    args = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")]
    args += ["--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    if gunicorn.version_info >= (27,):
        args.append("--no-control-socket")  # else every instance claims ~/.gunicorn/gunicorn.ctl
    return [*args, *extra, "wsgi:app"]


def http_request(
    port: int,
    method: str,
    path: str,
    host: str,
    cookie: str = "",
    body: str = "",
    source: str = "",
    timeout: float = 60,
) -> tuple[int, list[str], bytes]:
    """One request on its own connection: (status, Set-Cookie lines, body). `source` picks the
    client address on loopback (127.0.0.0/8), as separate people would have their own."""
    import http.client

    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout, source_address=(source, 0) if source else None
    )
    headers = {"Host": host}
    if cookie:
        headers["Cookie"] = cookie
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers.get_all("Set-Cookie") or [], response.read()
    finally:
        connection.close()


def cookie_of(set_cookies: list[str], jar: dict[str, str] | None = None) -> str:
    """The Cookie header a browser would send back after these Set-Cookie lines."""
    jar = dict(jar or {})
    for line in set_cookies:
        name, _, value = line.split(";", 1)[0].partition("=")
        jar[name.strip()] = value.strip()
    return "; ".join(f"{name}={value}" for name, value in jar.items() if value)


def sign_in_form(port: int, host: str, path: str, email: str, password: str, source: str = ""):  # type: ignore[no-untyped-def]
    """GET the real sign-in form; return (Cookie header, urlencoded POST body with its CSRF
    token) so the POST can be sent later, e.g. all at once."""
    import re
    import urllib.parse

    status, set_cookies, body = http_request(port, "GET", path, host, source=source)
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)
    if status != 200 or match is None:
        raise RuntimeError(f"sign-in form at {host}{path}: {status}, no CSRF token found")
    form = {"csrf_token": match.group(1).decode(), "email": email, "password": password}
    return cookie_of(set_cookies), urllib.parse.urlencode(form)


def sign_in(port: int, host: str, path: str, email: str, password: str) -> str:
    """Post the real sign-in form (with its CSRF token); return the signed-in Cookie header."""
    cookie, form = sign_in_form(port, host, path, email, password)
    status, set_cookies, _ = http_request(port, "POST", path, host, cookie, form)
    if status not in (302, 303):
        raise RuntimeError(f"signing in {email} at {host}{path} answered {status}")
    jar = dict(part.split("=", 1) for part in cookie.split("; ") if "=" in part)
    return cookie_of(set_cookies, jar)


def add_clients(url: str, slug: str, emails: list[str], password: str) -> None:
    """One active tenant whose clients (one account each) sign in with `password`."""
    from portal.app import create_app
    from portal.auth.passwords import hash_password
    from portal.clients.models import AccountContact, ClientAccount, Contact
    from portal.core.database import utcnow
    from portal.core.extensions import db
    from tenants.models import Tenant

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-seed", "EMBEDDED_SCHEDULER": False})
    password_hash = hash_password(password)
    with app.app_context():
        tenant = Tenant(slug=slug, name=f"{slug.title()} LLP")
        db.session.add(tenant)
        db.session.flush()
        for email in emails:
            account = ClientAccount(tenant_id=tenant.id, name=f"Account of {email}")
            contact = Contact(
                tenant_id=tenant.id,
                email=email,
                name=email.partition("@")[0],
                password_hash=password_hash,
                activated_at=utcnow(),
            )
            db.session.add_all([account, contact])
            db.session.flush()
            db.session.add(
                AccountContact(
                    tenant_id=tenant.id,
                    account_id=account.id,
                    contact_id=contact.id,
                    login_enabled=True,
                )
            )
        db.session.commit()
        db.engine.dispose()


def wait_for_http(
    port: int, host: str, path: str, process: subprocess.Popen, log: Path, timeout: float = 120
) -> None:
    """Until the server answers `path` (any status below 500); fail with its log if it died."""

    def answers() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited:\n{log_tail(log)}")
        try:
            return http_request(port, "GET", path, host, timeout=30)[0] < 500
        except OSError:
            return False

    try:
        wait_until(answers, timeout=timeout, what=f"the server on port {port}", interval=0.2)
    except TimeoutError as error:
        raise TimeoutError(f"{error}; its log ends:\n{log_tail(log)}") from None


def vm_rss_kib(pid: int) -> int:
    """Resident set size (VmRSS) of a process in KiB, 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children_of(pid: int) -> list[int]:
    """Live child processes of `pid` (gunicorn's workers of a master)."""
    return sorted(
        int(stat.parent.name)
        for stat in Path("/proc").glob("[0-9]*/stat")
        if (fields := _stat_fields(stat)) and int(fields[1]) == pid
    )
