"""1,000 pending custom web domains checked by two RQ workers against a local DNS server
(issue #19.5: under 30 s).

    .venv/bin/python -m bench.dns_checks [--database-url URL] [--domains 1000] [--workers 2]

A fresh database gets 1,000 tenants, each with a pending web domain `portal.dns<n>.example`
claimed the way `claim_domain` does (a token, due at once). A DNS server on loopback (the test
suite's dnslib server, `tests/fixtures/dns.py`) answers for every one of them: the ownership TXT
record and a CNAME to the platform's target, so every check ends in "verified". The checks are
enqueued the way the domain sweep does (`jobs.web_domains.enqueue_checks`: batches of
`CHECKS_PER_JOB`; one sweep takes at most `SWEEP_BATCH` rows, so the script hands it every due
row itself), then two `python -m portal.cli worker --burst` processes run them. The clock runs
from starting the workers until every domain is verified. The baseline is the same checks run
one after another in this process without RQ (`check_domain` only, no database), so the ratio
shows what the queue and the database add. Requires Redis.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import ExitStack
from datetime import timedelta

from sqlalchemy import create_engine, text

from bench import common

PLATFORM_DOMAIN = "bench.example"
SECRET_KEY = "bench-secret-key-0123456789abcdef"
TARGET_SECONDS = 30.0


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    common.stop_on_sigterm()
    if not common.redis_available():
        print("Redis is not answering on 127.0.0.1:6379; this benchmark needs it")
        return 1
    from tests.fixtures.dns import DnsServer

    prefix = common.new_redis_prefix()
    dns = DnsServer()
    dns.start()
    with common.workdir("foyer-bench-dns-") as workdir, ExitStack() as stack:
        stack.callback(dns.stop)
        stack.callback(common.delete_redis_keys, prefix)
        url = stack.enter_context(common.fresh_database(args.database_url, workdir))
        config = {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "PLATFORM_DOMAIN": PLATFORM_DOMAIN,
            "REDIS_URL": common.REDIS_URL,
            "REDIS_KEY_PREFIX": prefix,
            "DNS_NAMESERVERS": dns.nameservers,
            "EMBEDDED_SCHEDULER": False,
        }
        facts = _seed(config, args.domains, dns)
        baseline = _baseline(config, facts)
        jobs = _enqueue(config)
        env = common.child_env(
            {
                "DATABASE_URL": url,
                "REDIS_URL": common.REDIS_URL,
                "SECRET_KEY": SECRET_KEY,
                "PLATFORM_DOMAIN": PLATFORM_DOMAIN,
                "FOYER_REDIS_KEY_PREFIX": prefix,
                "DNS_NAMESERVERS": dns.nameservers,
                "FLASK_APP": "wsgi",
            }
        )
        print(
            f"{args.domains} pending web domains, {jobs} check jobs queued; DNS server "
            f"{dns.nameservers}; {args.workers} RQ workers; "
            f"{'PostgreSQL' if args.database_url else 'SQLite'}; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        seconds, verified = _run_workers(url, env, args, workdir, stack)
        queries = len(dns.queries)
    print(
        f"\n  baseline: the same {len(facts)} checks in one process, no queue, no database: "
        f"{baseline:.1f} s"
    )
    verdict = "meets target" if seconds < TARGET_SECONDS and verified == args.domains else "MISSED"
    print(
        f"  {args.workers} RQ workers: {verified}/{args.domains} verified in {seconds:.1f} s "
        f"({verified / seconds if seconds else 0:.0f} domains/s, {queries} DNS queries in all; "
        f"{seconds / baseline if baseline else 0:.2f}x the baseline's time): {verdict} "
        f"(target < {TARGET_SECONDS:g} s; load average now {os.getloadavg()[0]:.1f})"
    )
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--domains", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=300.0)
    return parser.parse_args(argv)


def _app(config: dict[str, object]):  # type: ignore[no-untyped-def]
    from portal.app import create_app

    return create_app(config)


def _seed(config: dict[str, object], count: int, dns) -> list:  # type: ignore[no-untyped-def]
    """Tenants with one pending domain each, as `claim_domain` adds them, and their records."""
    import secrets

    from portal.core.database import utcnow
    from portal.core.extensions import db
    from tenants.models import Domain, DomainStatus, Tenant
    from tenants.webdomains.checks import DomainFacts
    from tenants.webdomains.records import challenge_name, cname_target

    app = _app(config)
    facts = []
    with app.app_context():
        now = utcnow()
        target = cname_target(app.config)
        for n in range(1, count + 1):
            tenant = Tenant(slug=f"dns{n:05d}", name=f"DNS firm {n}")
            db.session.add(tenant)
            db.session.flush()
            host = f"portal.dns{n:05d}.example"
            token = f"foyer-{secrets.token_urlsafe(32)}"
            db.session.add(
                Domain(
                    tenant_id=tenant.id,
                    host=host,
                    status=DomainStatus.PENDING,
                    verification_token=token,
                    next_check_at=now,
                    checks_until=now + timedelta(days=7),
                    failed_checks=0,
                )
            )
            dns.add(challenge_name(host), "TXT", token)
            dns.add(host, "CNAME", target)
            facts.append(DomainFacts(host, token))
        db.session.commit()
        db.engine.dispose()
    app.extensions["foyer.redis"].close()
    return facts


def _baseline(config: dict[str, object], facts: list) -> float:  # type: ignore[type-arg]
    from tenants.webdomains.checks import Verdict, check_domain

    app = _app(config)
    started = time.monotonic()
    results = [check_domain(fact, app.config) for fact in facts]
    seconds = time.monotonic() - started
    app.extensions["foyer.redis"].close()
    failed = [result for result in results if result.verdict is not Verdict.OK]
    if failed:
        raise RuntimeError(f"{len(failed)} baseline checks failed, e.g. {failed[0]}")
    return seconds


def _enqueue(config: dict[str, object]) -> int:
    """What `sweep_web_domains` does for every due row (it takes SWEEP_BATCH per run)."""
    from jobs.web_domains import enqueue_checks
    from portal.core.extensions import db
    from tenants.models import Domain

    app = _app(config)
    with app.app_context():
        rows = db.session.execute(
            db.select(Domain.tenant_id, Domain.id, Domain.next_check_at).order_by(Domain.id)
        ).all()
        db.session.rollback()
        enqueue_checks(
            [(tenant_id, domain_id, due.isoformat()) for tenant_id, domain_id, due in rows]
        )
        jobs = app.extensions["foyer.queue"].count
        db.engine.dispose()
    app.extensions["foyer.redis"].close()
    return int(jobs)


def _run_workers(url, env, args, workdir, stack) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    engine = create_engine(url)
    stack.callback(engine.dispose)
    command = [sys.executable, "-m", "portal.cli", "worker", "--burst"]
    logs = [workdir / f"worker-{index}.log" for index in range(args.workers)]
    started = time.monotonic()
    workers = [
        stack.enter_context(common.running(command, env, stack.enter_context(open(log, "wb"))))
        for log in logs
    ]

    def verified() -> int:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text("SELECT count(*) FROM domains WHERE status = 'verified'")
                ).scalar_one()
            )

    def done() -> bool:
        return all(worker.poll() is not None for worker in workers)

    try:
        common.wait_until(done, args.timeout, "the burst workers to finish", interval=0.05)
    except TimeoutError as error:
        print(f"  {error}")
    seconds = time.monotonic() - started
    count = verified()
    if count < args.domains:
        for log in logs:
            print(f"  --- {log.name} (last lines)\n{common.log_tail(log, 15)}")
    return seconds, count


if __name__ == "__main__":
    sys.exit(main())
