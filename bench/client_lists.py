"""Staff list pages at 10 and at 10,000 client accounts: time per page, in-process.

    .venv/bin/python -m bench.client_lists [--accounts 10000] [--requests 20]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

A signed-in owner loads the clients list, the pending activation list and the dashboard home
through the Flask test client (no server) over a freshly migrated database: first with 10
accounts, then after filling it to `--accounts` (one invited contact each). Prints the median
milliseconds per page at both sizes and their ratio; a paginated page should stay in the same
order (ratio near 1), where the old unpaginated list grew with every row.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import datetime, timedelta

from bench import common

PLATFORM_DOMAIN = "bench.example"
PASSWORD = "bench pages kettle 58"
PAGES = ("/admin/clients/", "/admin/clients/pending", "/admin/")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20, help="timed loads per page and size")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    print(f"load average: {os.getloadavg()[0]:.2f}")
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
