"""Staff list pages at 10 and at 10,000 client accounts: time per page, in-process.

    .venv/bin/python -m bench.client_lists [--accounts 10000] [--requests 20]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
    .venv/bin/python -m bench.client_lists --existing --database-url <URL from bench.dataset>

A signed-in owner loads the clients list, the pending activation list and the dashboard home
through the Flask test client (no server) over a freshly migrated database: first with 10
accounts, then after filling it to `--accounts` (one invited contact each). Prints the median
milliseconds per page at both sizes and their ratio; a paginated page should stay in the same
order (ratio near 1), where the old unpaginated list grew with every row.

With `--existing` it writes nothing but sign-ins: it uses the `bench.dataset` schema as it is,
compares tenant `bigfirm` (150,000 accounts) with `smallfirm` (10 accounts) on more pages (a
filtered page, a page deep in the list, a text search), and prints for each page the SQL
statements per request and the slowest one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bench import common

PLATFORM_DOMAIN = "bench.example"
PASSWORD = "bench pages kettle 58"
PAGES = ("/admin/clients/", "/admin/clients/pending", "/admin/")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20, help="timed loads per page and size")
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--existing", action="store_true", help="time bigfirm against smallfirm in this data set"
    )
    args = parser.parse_args(argv)
    print(f"load average: {os.getloadavg()[0]:.2f}")
    if args.existing:
        if not args.database_url:
            parser.error("--existing needs --database-url (the schema bench.dataset kept)")
        _run_existing(args.database_url, args.requests)
        return 0
    with common.workdir("foyer-bench-lists-") as workdir:
        with common.fresh_database(args.database_url, workdir) as url:
            _run(url, args.accounts, args.requests)
    return 0


def _run(url: str, accounts: int, requests: int) -> None:
    from portal.app import create_app
    from portal.auth.models import StaffMember
    from portal.auth.passwords import hash_password
    from portal.core.extensions import db
    from tenants.models import Tenant

    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-lists",
            "PLATFORM_DOMAIN": PLATFORM_DOMAIN,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        tenant = Tenant(slug="lists", name="Lists LLP")
        db.session.add(tenant)
        db.session.flush()
        db.session.add(
            StaffMember(
                tenant_id=tenant.id,
                email="owner@lists.example",
                role="owner",
                password_hash=hash_password(PASSWORD),
            )
        )
        db.session.commit()
        tenant_id = tenant.id
        db.engine.dispose()
    client = app.test_client()
    host = f"lists.{PLATFORM_DOMAIN}"
    signed_in = client.post(
        "/admin/sign-in",
        data={"email": "owner@lists.example", "password": PASSWORD},
        headers={"Host": host},
    )
    assert signed_in.status_code == 302, signed_in.status_code
    with app.app_context():
        _fill(tenant_id, 0, 10)
    small = _timings(client, host, requests, 10)
    with app.app_context():
        _fill(tenant_id, 10, accounts)
    large = _timings(client, host, requests, accounts)
    print(f"{'page':<26}{'10 accounts':>14}{f'{accounts:,} accounts':>18}{'ratio':>8}")
    for page in PAGES:
        ratio = large[page] / small[page]
        print(f"{page:<26}{small[page]:>11.1f} ms{large[page]:>15.1f} ms{ratio:>8.2f}")


EXISTING_PAGES = (
    "/admin/clients/",
    "/admin/clients/?status=active",
    "DEEP",  # two thirds down the list by name: bench.client_lists._deep_page
    "/admin/clients/?q=Company+12",
    "/admin/clients/pending",
    "/admin/",
)


def _run_existing(url: str, requests: int) -> None:
    """bigfirm against smallfirm in a bench.dataset schema, with statements per request."""
    from bench.dataset import BIG_SLUG, OWNER_EMAIL, SMALL_SLUG
    from portal.app import create_app

    prefix = common.new_redis_prefix()
    redis = common.REDIS_URL if common.redis_available() else ""
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-lists",
            "PLATFORM_DOMAIN": PLATFORM_DOMAIN,
            "WTF_CSRF_ENABLED": False,
            "REDIS_URL": redis,
            "REDIS_KEY_PREFIX": prefix,
        }
    )
    try:
        results = {}
        for slug in (SMALL_SLUG, BIG_SLUG):
            client = app.test_client()
            host = f"{slug}.{PLATFORM_DOMAIN}"
            signed_in = client.post(
                "/admin/sign-in",
                data={"email": OWNER_EMAIL.format(slug=slug), "password": PASSWORD},
                headers={"Host": host},
            )
            assert signed_in.status_code == 302, (slug, signed_in.status_code)
            with app.app_context():
                pages = [_deep_page(slug) if p == "DEEP" else p for p in EXISTING_PAGES]
            results[slug] = [_measure(app, client, host, page, requests) for page in pages]
    finally:
        if redis:
            common.delete_redis_keys(prefix)
    print(f"redis: {'yes' if redis else 'no'}; median of {requests} loads after one warm-up")
    print(f"{'page':<32}{'10 accounts':>12}{'150k':>10}{'ratio':>7}{'SQL':>5}  slowest statement")
    for name, small, big in zip(
        EXISTING_PAGES, results[SMALL_SLUG], results[BIG_SLUG], strict=True
    ):
        label = "deep page (2/3 down)" if name == "DEEP" else name
        print(
            f"{label:<32}{small.ms:>9.1f} ms{big.ms:>7.1f} ms{big.ms / small.ms:>7.2f}"
            f"{big.statements:>5}  {big.slowest_ms:.1f} ms: {big.slowest[:90]}"
        )


def _deep_page(slug: str) -> str:
    """The clients list page that starts two thirds down the list (name order): with a keyset
    cursor when the app has them, else by page number (OFFSET)."""
    from sqlalchemy import func, select

    from portal.clients.models import ClientAccount
    from portal.core import pagination
    from portal.core.extensions import db
    from tenants.models import Tenant

    tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == slug))
    live = select(ClientAccount).where(
        ClientAccount.tenant_id == tenant_id, ClientAccount.archived_at.is_(None)
    )
    total = db.session.scalar(select(func.count()).select_from(live.subquery())) or 0
    position = total * 2 // 3
    number = position // pagination.PER_PAGE + 1
    anchor = db.session.execute(
        live.with_only_columns(func.lower(ClientAccount.name), ClientAccount.id)
        .order_by(func.lower(ClientAccount.name), ClientAccount.id)
        .offset(max(position - 1, 0))
        .limit(1)
    ).one()
    encode = getattr(pagination, "encode_cursor", None)
    if encode is None:
        return f"/admin/clients/?page={number}"
    return f"/admin/clients/?page={number}&after={encode(anchor[0], anchor[1])}"


@dataclass
class Measured:
    ms: float
    statements: int
    slowest_ms: float
    slowest: str


def _measure(app: Any, client: Any, host: str, page: str, requests: int) -> Measured:
    """Median ms of `requests` loads, and the statements of the last one (the slowest first)."""
    from sqlalchemy import event

    from portal.core.extensions import db

    response = client.get(page, headers={"Host": host})
    assert response.status_code == 200, (page, response.status_code)
    timings: list[tuple[float, str]] = []
    started: list[float] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        started.append(time.perf_counter())

    def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        timings.append(((time.perf_counter() - started.pop()) * 1000, " ".join(statement.split())))

    samples = []
    with app.app_context():
        engine = db.engine
    for number in range(requests):
        last = number == requests - 1
        if last:
            event.listen(engine, "before_cursor_execute", before)
            event.listen(engine, "after_cursor_execute", after)
        began = time.perf_counter()
        response = client.get(page, headers={"Host": host})
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (page, response.status_code)
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    counted = [t for t in timings if "cache_versions" not in t[1]]
    slowest = max(counted, default=(0.0, ""))
    return Measured(statistics.median(samples), len(counted), slowest[0], slowest[1])


def _fill(tenant_id: int, start: int, stop: int) -> None:
    """Accounts start..stop-1, each with one contact who has access and an open invitation
    (bulk inserts through the models, so column defaults apply)."""
    from sqlalchemy import insert

    from portal.clients.models import AccountContact, ClientAccount, Contact, Invitation
    from portal.core.extensions import db

    now = datetime.now()
    base = 1_000_000 * tenant_id
    _insert(
        db,
        insert(ClientAccount),
        [
            {
                "id": base + n,
                "tenant_id": tenant_id,
                "name": f"Account {n:05d}",
                "kind": "company",
            }
            for n in range(start, stop)
        ],
    )
    _insert(
        db,
        insert(Contact),
        [
            {
                "id": base + n,
                "tenant_id": tenant_id,
                "email": f"c{n}@clients.example",
                "name": "",
                "created_at": now - timedelta(days=n % 90),
                "activated_at": now if n % 3 == 0 else None,
            }
            for n in range(start, stop)
        ],
    )
    _insert(
        db,
        insert(AccountContact),
        [
            {
                "tenant_id": tenant_id,
                "account_id": base + n,
                "contact_id": base + n,
                "login_enabled": True,
            }
            for n in range(start, stop)
        ],
    )
    _insert(
        db,
        insert(Invitation),
        [
            {
                "tenant_id": tenant_id,
                "contact_id": base + n,
                "email": f"c{n}@clients.example",
                "nonce": f"{n:064d}",
                "token_hash": f"{n:064x}",
                "expires_at": now + timedelta(days=7 - n % 14),
                "first_sent_at": now - timedelta(days=n % 60),
                "last_sent_at": now - timedelta(days=n % 30),
                "send_count": 1 + n % 4,
                "invited_by": "Owner (team)",
            }
            for n in range(start, stop)
            if n % 3
        ],
    )
    db.session.commit()


def _insert(db: object, statement: object, rows: list[dict[str, object]]) -> None:
    for first in range(0, len(rows), 1000):
        db.session.execute(statement, rows[first : first + 1000])  # type: ignore[attr-defined]


def _timings(client: object, host: str, requests: int, size: int) -> dict[str, float]:
    """Median milliseconds per page after one warm-up load."""
    result = {}
    for page in PAGES:
        assert client.get(page, headers={"Host": host}).status_code == 200, page  # type: ignore[attr-defined]
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(page, headers={"Host": host})  # type: ignore[attr-defined]
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (page, size)
        result[page] = statistics.median(samples)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
