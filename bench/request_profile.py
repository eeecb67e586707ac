"""Where a tenant-resolved request spends its time: cProfile of one page, in-process.

    .venv/bin/python -m bench.request_profile [--page robots|sign-in|home|messages]
        [--redis] [--requests 20000] [--sort tottime]

Calls the WSGI app directly (no server, no test client) over 1,000 tenant hosts of a fresh
SQLite database, after warming the tenant cache, and prints per-request times of Foyer and of
its baseline, then Foyer's profile. Profiling inflates every call; compare proportions.

`robots` (the default) is GET /robots.txt against the bare Flask "hello". The portal pages
(`sign-in` anonymous; `home` and `messages` as a client signed in through the real form, with
a few accounts, unread threads and open document requests) run on one tenant and are
compared with bench/bare_template_app.py rendering the same kind of page; they also print the
SQL statements Foyer runs per request (the tenant cache's version check left out).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from werkzeug.test import Client, EnvironBuilder

from bench import common
from bench.tenant_resolution import PLATFORM_DOMAIN, SECRET_KEY, _fill_tenants

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# Foyer's path, and the bare app's path it is compared with, per page.
PAGES = {
    "robots": ("/robots.txt", "/hello"),
    "sign-in": ("/sign-in", "/sign-in"),
    "home": ("/", "/home"),
    "messages": ("/messages/", "/home"),
}
CLIENT_EMAIL = "client@profile.example"
PASSWORD = "profile kettle horizon 58"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", choices=sorted(PAGES), default="robots")
    parser.add_argument("--redis", action="store_true", help="with REDIS_URL (version checks)")
    parser.add_argument("--requests", type=int, default=0, help="default 20,000 (robots), 2,000")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key, e.g. tottime")
    parser.add_argument("--limit", type=int, default=40, help="profile lines to print")
    parser.add_argument("--no-profile", action="store_true", help="times and statements only")
    args = parser.parse_args(argv)
    requests = args.requests or (20_000 if args.page == "robots" else 2_000)
    path, bare_path = PAGES[args.page]
    prefix = common.new_redis_prefix()
    with common.workdir("foyer-bench-profile-") as workdir:
        with common.fresh_database(None, workdir) as url:
            slugs = _fill_tenants(url, 10_000)
            from bench.bare_app import app as bare_hello
            from bench.bare_template_app import app as bare_template
            from portal.app import create_app

            config = {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY}
            config["PLATFORM_DOMAIN"] = PLATFORM_DOMAIN
            if args.redis:
                config |= {"REDIS_URL": common.REDIS_URL, "REDIS_KEY_PREFIX": prefix}
            foyer = create_app(config)
            try:
                if args.page == "robots":
                    hosts = [f"{slug}.{PLATFORM_DOMAIN}" for slug in slugs[::10]]
                    environs = [_environ(path, host) for host in hosts]
                    bare, bare_environs = bare_hello, [_environ(bare_path, "localhost")]
                else:
                    host = f"{slugs[0]}.{PLATFORM_DOMAIN}"
                    cookie = _client_cookie(foyer, host) if args.page != "sign-in" else ""
                    environs = [_environ(path, host, cookie)]
                    bare, bare_environs = bare_template, [_environ(bare_path, "localhost")]
                for name, app, envs in (("bare", bare, bare_environs), ("Foyer", foyer, environs)):
                    _run(app, envs, len(envs) + 50)  # warm the tenant cache and templates
                    cpu = time.process_time()
                    seconds = _run(app, envs, requests)
                    cpu = time.process_time() - cpu  # less skewed by a busy machine
                    print(
                        f"{name:<6} {path if name == 'Foyer' else bare_path:<12}"
                        f" {seconds / requests * 1e6:7.0f} us/request"
                        f" {cpu / requests * 1e6:7.0f} us CPU/request"
                    )
                with _counting(foyer) as statements:  # no app context: each request its own g
                    _run(foyer, environs, 100)
                print(f"Foyer  {len(statements) / 100:.1f} SQL statements/request")
                for statement in dict.fromkeys(statements):
                    print("   ", " ".join(statement.split())[:150])
                profile = cProfile.Profile()
                if not args.no_profile:
                    profile.runcall(_run, foyer, environs, requests)
            finally:
                if args.redis:
                    common.delete_redis_keys(prefix)
    if not args.no_profile:
        stats = pstats.Stats(profile, stream=sys.stdout)
        stats.strip_dirs().sort_stats(args.sort).print_stats(args.limit)
    return 0


def _environ(path: str, host: str, cookie: str = "") -> dict[str, Any]:
    headers = {"Host": host} | ({"Cookie": cookie} if cookie else {})
    return EnvironBuilder(path=path, headers=headers).get_environ()


def _client_cookie(app: Any, host: str) -> str:
    """A client of the first tenant with three accounts, each with unread threads and open
    document requests; signed in through the real sign-in form. Returns the Cookie header."""
    _add_client(app, host.split(".")[0])
    client = Client(app)
    page = client.get("/sign-in", headers={"Host": host}).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if match is None:
        raise RuntimeError("no CSRF token on the sign-in page")
    form = {"csrf_token": match.group(1), "email": CLIENT_EMAIL, "password": PASSWORD}
    response = client.post("/sign-in", data=form, headers={"Host": host})
    if response.status_code != 302:
        raise RuntimeError(f"signing in answered {response.status_code}")
    # The cookie jar's session (the welcome message already shown: a steady-state visit).
    client.get("/", headers={"Host": host})
    return "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())


def _add_client(app: Any, slug: str) -> None:
    from portal.auth.passwords import hash_password
    from portal.clients.models import AccountContact, ClientAccount, Contact
    from portal.core.database import utcnow
    from portal.core.extensions import db
    from portal.documents.models import DocumentRequest
    from portal.messaging.models import Message, Thread
    from tenants.models import Tenant

    with app.app_context():
        tenant = db.session.query(Tenant).filter_by(slug=slug).one()
        now = utcnow()
        contact = Contact(
            tenant_id=tenant.id,
            email=CLIENT_EMAIL,
            name="Contact Jones",
            password_hash=hash_password(PASSWORD),
            activated_at=now,
            welcomed_at=now,
        )
        db.session.add(contact)
        db.session.flush()
        for number in range(3):
            account = ClientAccount(tenant_id=tenant.id, name=f"Account {number}", kind="company")
            db.session.add(account)
            db.session.flush()
            db.session.add(
                AccountContact(
                    tenant_id=tenant.id,
                    account_id=account.id,
                    contact_id=contact.id,
                    login_enabled=True,
                )
            )
            for item in range(5):
                db.session.add(
                    DocumentRequest(
                        tenant_id=tenant.id,
                        account_id=account.id,
                        title=f"Document {item}",
                        due_date=now.date() + timedelta(days=item),
                    )
                )
                thread = Thread(
                    tenant_id=tenant.id,
                    account_id=account.id,
                    subject=f"Question {item}",
                    created_by_kind="staff",
                )
                db.session.add(thread)
                db.session.flush()
                message = Message(
                    tenant_id=tenant.id,
                    thread_id=thread.id,
                    author_kind="staff",
                    author_name="Advisor",
                    body="Could you send last year's return?",
                )
                db.session.add(message)
                db.session.flush()
                thread.last_staff_message_id = message.id
        db.session.commit()


@contextmanager
def _counting(app: Any) -> Iterator[list[str]]:
    from sqlalchemy import event

    from portal.core.extensions import db

    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "cache_versions" not in statement:  # at most once a second: time, not the page
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _run(app: WsgiApp, environs: list[dict[str, Any]], count: int) -> float:
    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        if not status.startswith("200"):
            raise RuntimeError(f"GET {environs[0]['PATH_INFO']} answered {status}")

    start = time.perf_counter()
    for index in range(count):
        body = app(dict(environs[index % len(environs)]), start_response)
        b"".join(body)
        close = getattr(body, "close", None)
        if close is not None:
            close()
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
