"""Two gunicorn instances against one (issue #19.7), shared state across them, and a web worker's
resident size over two identical runs (issue #19.6).

    .venv/bin/python -m bench.scale_out [--database-url postgresql+psycopg://...] [--seconds 8]

Two instances of Foyer (gunicorn.conf.py, `--workers 1` each, different ports) share one fresh
PostgreSQL schema and one Redis key prefix, as two machines behind a load balancer would.

Why not "two instances give >= 1.6x one" directly: on a 2-core machine, giving each instance
its own CPU budget with `taskset` (instance A on core 0, B on core 1) leaves no core for the
load generator, which then takes CPU from the very instances it measures; one instance on core
0 with wrk on core 1 is not the same budget either. So the script measures what decides
scale-out instead: server CPU per request (user + system of each instance's process group per
request served) with one instance loaded alone, then with both loaded at once. If the second
instance adds no CPU per request (shared PostgreSQL and Redis, no cross-instance locking), the
throughput of N instances with N CPU budgets is N times one; the script prints that projection
(2 x CPU/request alone / CPU/request together) next to the measured req/s.

Checks that nothing is process-local state (each printed as OK or FAILED):
- a client signs in on A (the real form, CSRF token) and the cookie opens the portal home on B;
- a sign-in form fetched from A is posted to B (CSRF and session secrets are shared);
- the sign-in rate limits are counted in the shared Redis (keys under the run's prefix);
- a tenant setting (the firm's name) changed and committed by another process is shown by B
  within TENANT_CACHE_VERSION_CHECK_INTERVAL (1 s) plus a request.

Memory: VmRSS of instance A's worker after one load run on the portal home and after a second
identical run (target: no growth beyond noise).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from contextlib import ExitStack

from bench import common
from bench.loadgen import LoadResult, has_wrk, run_load

PLATFORM_DOMAIN = "bench.example"
SECRET_KEY = "bench-secret-key-0123456789abcdef"
SLUG = "scaled"
HOST = f"{SLUG}.{PLATFORM_DOMAIN}"
EMAIL = f"client@{SLUG}.example"
PASSWORD = "scale out kettle 58"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TARGET = 1.6


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    common.stop_on_sigterm()
    if not common.redis_available():
        print("Redis is not answering on 127.0.0.1:6379; this benchmark needs it")
        return 1
    use_wrk = has_wrk()
    prefix = common.new_redis_prefix()
    with common.workdir("foyer-bench-scale-") as workdir, ExitStack() as stack:
        stack.callback(common.delete_redis_keys, prefix)
        url = stack.enter_context(common.fresh_database(args.database_url, workdir))
        common.add_clients(url, SLUG, [EMAIL], PASSWORD)
        env = common.child_env(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": SECRET_KEY,
                "PLATFORM_DOMAIN": PLATFORM_DOMAIN,
                "REDIS_URL": common.REDIS_URL,
                "FOYER_REDIS_KEY_PREFIX": prefix,
                "FOYER_EMBEDDED_SCHEDULER": "false",
            }
        )
        ports = [common.free_port(), common.free_port()]
        masters = []
        for port in ports:
            log_path = workdir / f"gunicorn-{port}.log"
            command = common.gunicorn_args(port, args.workers)
            log = stack.enter_context(open(log_path, "wb"))
            master = stack.enter_context(common.running(command, env, log))
            common.wait_for_http(port, HOST, "/sign-in", master, log_path)
            masters.append(master)
        print(
            f"two Foyer instances (gunicorn.conf.py, {args.workers} worker(s) each) on ports "
            f"{ports[0]} and {ports[1]}, one PostgreSQL schema and Redis prefix; "
            f"{'wrk -t1' if use_wrk else 'Python'} -c{args.connections} per instance; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        cookie = _shared_state_checks(ports, url, prefix)
        headers = {"Cookie": cookie}

        def load(port: int, seconds: float) -> LoadResult:
            return run_load(port, "/", [HOST], seconds, args.connections, workdir, use_wrk, headers)

        for port in ports:
            load(port, args.warmup)
        worker = common.children_of(masters[0].pid)[0]
        rss = []
        alone, together = [], []
        for round_number in range(1, args.rounds + 1):
            alone.append(_measure([(masters[0], ports[0])], load, args.seconds))
            rss.append(common.vm_rss_kib(worker))
            together.append(_measure(list(zip(masters, ports, strict=True)), load, args.seconds))
            print(
                f"  round {round_number}: one instance {alone[-1][0]:6.0f} req/s "
                f"{alone[-1][1]:5.0f} us CPU/req; two instances {together[-1][0]:6.0f} req/s "
                f"{together[-1][1]:5.0f} us CPU/req; worker A VmRSS {rss[-1] / 1024:.1f} MiB",
                flush=True,
            )
        _report(alone, together, rss, worker, masters[0].pid)
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=PG_URL, help="PostgreSQL server URL")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per instance")
    parser.add_argument("--connections", type=int, default=2, help="per instance")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=2, help="each round is one portal run")
    return parser.parse_args(argv)


def _measure(instances, load, seconds: float) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Load every instance at once; (total req/s, server CPU us per request over them all)."""
    results: list[LoadResult] = []
    before = [common.group_cpu_seconds(master.pid) for master, _ in instances]
    threads = [
        threading.Thread(target=lambda port=port: results.append(load(port, seconds)))
        for _, port in instances
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu = sum(
        common.group_cpu_seconds(master.pid) - start
        for (master, _), start in zip(instances, before, strict=True)
    )
    requests = sum(result.requests for result in results)
    if any(result.bad_status for result in results):
        raise RuntimeError("the portal home answered something other than 200")
    rps = sum(result.rps for result in results)
    return rps, cpu / requests * 1e6 if requests else 0.0


def _shared_state_checks(ports: list[int], url: str, prefix: str) -> str:
    """Print each check; return the session cookie of the client signed in on A."""
    a, b = ports
    cookie = common.sign_in(a, HOST, "/sign-in", EMAIL, PASSWORD)
    status, _, _ = common.http_request(b, "GET", "/", HOST, cookie)
    _verdict("signed in on A, portal home on B", status == 200)  # signed out: a redirect
    form_cookie, form = common.sign_in_form(a, HOST, "/sign-in", EMAIL, PASSWORD)
    status, _, _ = common.http_request(b, "POST", "/sign-in", HOST, form_cookie, form)
    _verdict(f"sign-in form from A posted to B answered {status}", status in (302, 303))
    _verdict("rate-limit counters in the shared Redis", _limit_keys(prefix) > 0)
    common.http_request(b, "GET", "/sign-in", HOST)  # B caches the tenant as it is
    new_name = f"Renamed Firm {int(time.time())}"
    _rename(url, prefix, new_name)
    changed = time.monotonic()
    seen = None
    while time.monotonic() - changed < 10:
        if new_name.encode() in common.http_request(b, "GET", "/sign-in", HOST)[2]:
            seen = time.monotonic() - changed
            break
        time.sleep(0.05)
    _verdict(
        "firm renamed elsewhere, B shows it "
        + (f"after {seen:.2f} s" if seen is not None else "NOT within 10 s"),
        seen is not None and seen < 2.0,
    )
    return cookie


def _verdict(what: str, ok: bool) -> None:
    print(f"  {'OK    ' if ok else 'FAILED'} {what}")


def _limit_keys(prefix: str) -> int:
    from redis import Redis

    client = Redis.from_url(common.REDIS_URL)
    try:
        return sum(1 for _ in client.scan_iter(match=f"*{prefix}limits*", count=1000))
    finally:
        client.close()


def _rename(url: str, prefix: str, name: str) -> None:
    """Change the firm's name as a settings page would: an ORM commit in an app with Redis."""
    from portal.app import create_app
    from portal.core.extensions import db
    from tenants.models import Tenant

    config = {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "REDIS_URL": common.REDIS_URL}
    app = create_app(config | {"REDIS_KEY_PREFIX": prefix, "EMBEDDED_SCHEDULER": False})
    with app.app_context():
        tenant = db.session.scalars(db.select(Tenant).where(Tenant.slug == SLUG)).one()
        tenant.name = name
        db.session.commit()
        db.engine.dispose()
    app.extensions["foyer.redis"].close()


def _report(alone, together, rss: list[int], worker: int, master: int) -> None:  # type: ignore[no-untyped-def]
    cpu_alone = sorted(cpu for _, cpu in alone)[len(alone) // 2]
    cpu_together = sorted(cpu for _, cpu in together)[len(together) // 2]
    rps_alone = sorted(rps for rps, _ in alone)[len(alone) // 2]
    rps_together = sorted(rps for rps, _ in together)[len(together) // 2]
    projected = 2 * cpu_alone / cpu_together if cpu_together else 0.0
    print(
        f"\nportal home: one instance {rps_alone:.0f} req/s at {cpu_alone:.0f} us CPU/request; "
        f"two instances {rps_together:.0f} req/s at {cpu_together:.0f} us CPU/request "
        f"(measured ratio {rps_together / rps_alone:.2f}x on 2 shared cores)"
    )
    verdict = "meets target" if projected >= TARGET else "MISSED"
    print(
        f"two instances with their own CPU budget (projected from CPU per request): "
        f"{projected:.2f}x one: {verdict} (target >= {TARGET}x)"
    )
    growth = (rss[-1] - rss[0]) / 1024
    print(
        f"web worker VmRSS after portal run 1: {rss[0] / 1024:.1f} MiB, after run "
        f"{len(rss)}: {rss[-1] / 1024:.1f} MiB ({growth:+.1f} MiB; pid {worker} of master "
        f"{master}; load average now {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    sys.exit(main())
