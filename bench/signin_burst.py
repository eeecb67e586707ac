"""Sign-in hashing cost, and other pages' p99 during 50 concurrent sign-ins (issue #19.4).

    .venv/bin/python -m bench.signin_burst [--database-url URL] [--redis] [--rounds 3]
        [--gunicorn-arg=--worker-class=sync ...]

First it prints the argon2 parameters of `portal.auth.passwords` and the CPU time of one
verify with them (median of 7). Then gunicorn serves Foyer exactly as the README's production
command does (`--config gunicorn.conf.py --workers 4`) on a fresh database with one tenant and
25 clients. Two probe processes fetch another page (`GET /robots.txt` on the tenant's host, a new
connection per request) the whole time. The probe's p99 is taken while nothing else happens
(idle), then during each burst: 50 threads post the real sign-in form (CSRF token fetched
beforehand) at the same moment, each from its own loopback address (127.0.1.x), as 50 people
would, so the per-address limit (100/hour) counts one each and the per-account limit (20 per 15
minutes) two per round. Every sign-in must answer a redirect; anything else is reported.
The figure printed is burst p99 / idle p99 (target: under 3). `--gunicorn-arg` adds options
after the config (e.g. `--worker-class=sync` for gunicorn's default, the comparison).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

from bench import common

PLATFORM_DOMAIN = "bench.example"
SECRET_KEY = "bench-secret-key-0123456789abcdef"
SLUG = "burst"
HOST = f"{SLUG}.{PLATFORM_DOMAIN}"
PASSWORD = "burst bench kettle 58"
CLIENTS = 25
OTHER_PAGE = "/robots.txt"
TARGET = 3.0  # burst p99 / idle p99
HASH_FLOOR_MS, HASH_CEILING_MS = 50, 250


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    common.stop_on_sigterm()
    hash_ms = report_hash_cost()
    prefix = common.new_redis_prefix()
    emails = [f"client{n}@{SLUG}.example" for n in range(CLIENTS)]
    with common.workdir("foyer-bench-burst-") as workdir, ExitStack() as stack:
        url = stack.enter_context(common.fresh_database(args.database_url, workdir))
        common.add_clients(url, SLUG, emails, PASSWORD)
        env = {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "PLATFORM_DOMAIN": PLATFORM_DOMAIN,
            "FOYER_EMBEDDED_SCHEDULER": "false",
        }
        if args.redis:
            stack.callback(common.delete_redis_keys, prefix)
            env |= {"REDIS_URL": common.REDIS_URL, "FOYER_REDIS_KEY_PREFIX": prefix}
        port = common.free_port()
        extra = [f"--{option.removeprefix('--')}" for option in args.gunicorn_arg]
        command = common.gunicorn_args(port, args.workers, *extra)
        log_path = workdir / "gunicorn.log"
        log = stack.enter_context(open(log_path, "wb"))
        server = stack.enter_context(common.running(command, common.child_env(env), log))
        common.wait_for_http(port, HOST, OTHER_PAGE, server, log_path)
        common.sign_in(port, HOST, "/sign-in", emails[0], PASSWORD)  # warm every code path
        print(
            f"gunicorn {' '.join(command[command.index('--config') :])}; "
            f"{'PostgreSQL' if args.database_url else 'SQLite'}; Redis "
            f"{'on' if args.redis else 'off'}; load average {os.getloadavg()[0]:.1f}"
        )
        ratios = []
        for round_number in range(1, args.rounds + 1):
            ratio = _round(port, emails, round_number, args, log_path)
            ratios.append(ratio)
        print(
            f"\nsign-in hash {hash_ms:.0f} ms CPU (target {HASH_FLOOR_MS}-{HASH_CEILING_MS}); "
            f"{OTHER_PAGE} p99 during {args.burst} concurrent sign-ins / idle: median "
            f"{statistics.median(ratios):.2f}x over {args.rounds} rounds (target < {TARGET:g}x; "
            f"load average now {os.getloadavg()[0]:.1f})"
        )
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--redis", action="store_true", help="give Foyer REDIS_URL")
    parser.add_argument("--workers", type=int, default=4, help="as the README's command")
    parser.add_argument("--burst", type=int, default=50, help="concurrent sign-ins")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--idle-seconds", type=float, default=3.0)
    parser.add_argument("--probes", type=int, default=2, help="processes fetching the page")
    parser.add_argument(
        "--gunicorn-arg", action="append", default=[], help="extra gunicorn option, repeatable"
    )
    return parser.parse_args(argv)


def report_hash_cost() -> float:
    """Print the configured argon2 parameters and one verify's CPU time; return it in ms."""
    from portal.auth import passwords

    stored = passwords.hash_password(PASSWORD)
    samples = []
    for _ in range(7):
        started = time.process_time()
        passwords.verify_password(stored, PASSWORD)
        samples.append((time.process_time() - started) * 1000)
    ms = statistics.median(samples)
    print(
        f"argon2id time_cost={passwords.TIME_COST} memory_cost={passwords.MEMORY_COST_KIB} KiB "
        f"parallelism={passwords.PARALLELISM}; at most {passwords.HASH_CONCURRENCY} hash at a "
        f"time per process; one verify: {ms:.0f} ms CPU (median of 7)"
    )
    return ms


def _round(
    port: int, emails: list[str], round_number: int, args: argparse.Namespace, log: Path
) -> float:
    """Idle window, then one burst, both watched by the probes; return burst p99 / idle p99."""
    forms = [
        common.sign_in_form(port, HOST, "/sign-in", emails[n % len(emails)], PASSWORD, _source(n))
        for n in range(args.burst)
    ]
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    samples = context.Queue()
    probes = [
        context.Process(target=_probe, args=(port, stop, samples)) for _ in range(args.probes)
    ]
    for probe in probes:
        probe.start()
    try:
        time.sleep(0.5)  # probes connected and warm
        idle_from = time.monotonic()
        time.sleep(args.idle_seconds)
        burst_from = time.monotonic()
        statuses = _burst(port, forms)
        burst_to = time.monotonic()
        time.sleep(0.2)
    finally:
        stop.set()
        timings = [sample for _ in probes for sample in samples.get(timeout=60)]
        for probe in probes:
            probe.join()
    idle = [latency for start, latency in timings if idle_from <= start < burst_from]
    busy = [latency for start, latency in timings if burst_from <= start < burst_to]
    idle_p99, busy_p99 = _p99(idle), _p99(busy)
    redirects = sum(status in (302, 303) for status in statuses)
    if redirects != len(statuses):
        others = sorted({status for status in statuses if status not in (302, 303)})
        print(f"  round {round_number}: {len(statuses) - redirects} sign-ins answered {others}")
        if any(status >= 500 for status in others):
            print(common.log_tail(log), file=sys.stderr)
    ratio = busy_p99 / idle_p99 if idle_p99 else float("inf")
    print(
        f"  round {round_number}: idle p99 {idle_p99:6.1f} ms ({len(idle)} requests); "
        f"{args.burst} sign-ins in {burst_to - burst_from:5.2f} s, {redirects} signed in; "
        f"during the burst p99 {busy_p99:6.1f} ms ({len(busy)} requests): {ratio:.2f}x",
        flush=True,
    )
    return ratio


def _source(n: int) -> str:
    return f"127.0.1.{n % 250 + 1}"


def _burst(port: int, forms: list[tuple[str, str]]) -> list[int]:
    """Post every form at the same moment, each on its own connection and address."""
    statuses = [0] * len(forms)
    ready = threading.Barrier(len(forms))

    def post(n: int) -> None:
        cookie, body = forms[n]
        ready.wait()
        try:
            statuses[n] = common.http_request(
                port, "POST", "/sign-in", HOST, cookie, body, _source(n)
            )[0]
        except OSError:
            statuses[n] = -1

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _probe(port: int, stop, samples) -> None:  # type: ignore[no-untyped-def]
    """GET the other page back to back until told to stop; send (start, latency ms) pairs."""
    timings = []
    try:
        while not stop.is_set():
            started = time.monotonic()
            status = common.http_request(port, "GET", OTHER_PAGE, HOST, timeout=30)[0]
            timings.append((started, (time.monotonic() - started) * 1000))
            if status != 200:
                raise RuntimeError(f"{OTHER_PAGE} answered {status}")
    finally:
        samples.put(timings)  # the parent waits for every probe's timings


def _p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


if __name__ == "__main__":
    sys.exit(main())
