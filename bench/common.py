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
