"""Requests/s of a tenant-resolved page (Foyer) against a bare Flask app, both under gunicorn.

    .venv/bin/python -m bench.tenant_resolution [--database-url URL] [--redis | --no-redis]

Both apps run as `gunicorn -w 2 -k sync` on loopback and are loaded by the same generator with
the same settings, in alternating rounds so that drift on a shared machine hits both sides.
Exits non-zero only when something crashes, never because the target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import urllib.error
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import gunicorn

from bench import common
from bench.bare_app import ROBOTS
from bench.loadgen import WRK_MISSING, LoadResult, has_wrk, run_load

TARGET = 0.9
PLATFORM_DOMAIN = "bench.example"
SECRET_KEY = "bench-secret-key-0123456789abcdef"
PATH = "/robots.txt"


@dataclass
class Side:
    name: str
    app: str
    env: dict[str, str]
    port: int
    pgid: int = 0  # gunicorn's process group, for its CPU time


@dataclass(frozen=True)
class Round:
    load: LoadResult
    server_cpu: float  # seconds of CPU used by gunicorn (master and workers)

    @property
    def cpu_per_request_us(self) -> float:
        return self.server_cpu / self.load.requests * 1e6 if self.load.requests else 0.0


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    common.stop_on_sigterm()
    use_wrk = args.loadgen == "wrk" or (args.loadgen == "auto" and has_wrk())
    if not use_wrk:
        print(WRK_MISSING if args.loadgen == "auto" else "load generator: Python (forced)")
    with_redis = _redis_variants(args.redis)
    prefix = common.new_redis_prefix()
    with common.workdir("foyer-bench-tenants-") as workdir, ExitStack() as stack:
        if True in with_redis:
            stack.callback(common.delete_redis_keys, prefix)
        url = stack.enter_context(common.fresh_database(args.database_url, workdir))
        slugs = _fill_tenants(url, args.tenants)
        step = max(1, len(slugs) // args.hosts)
        hosts = [f"{slug}.{PLATFORM_DOMAIN}" for slug in slugs[::step][: args.hosts]]
        sides = [Side("bare Flask", "bench.bare_app:app", common.child_env({}), common.free_port())]
        for redis in with_redis:
            env = {
                "DATABASE_URL": url,
                "SECRET_KEY": SECRET_KEY,
                "PLATFORM_DOMAIN": PLATFORM_DOMAIN,
            }
            if redis:
                env |= {"REDIS_URL": common.REDIS_URL, "FOYER_REDIS_KEY_PREFIX": prefix}
            name = "Foyer + Redis" if redis else "Foyer (no Redis)"
            sides.append(Side(name, args.foyer_app, common.child_env(env), common.free_port()))
        for side in sides:
            _serve(stack, side, workdir, args.workers)
        for side in sides:
            _wait_ready(side, hosts[0], workdir)
        _describe(args, url, len(slugs), len(hosts), use_wrk)
        for side in sides:
            _load(side, hosts, args.warmup, args, workdir, use_wrk)
        results: dict[str, list[Round]] = {side.name: [] for side in sides}
        for round_number in range(1, args.rounds + 1):
            # Each round starts with the next side, so every side takes every place in the
            # order equally often and a slow drift of the machine does not favour one of them.
            shift = (round_number - 1) % len(sides)
            for side in sides[shift:] + sides[:shift]:
                # The other sides ran meanwhile; refill expired cache entries before measuring.
                _load(side, hosts, args.prewarm, args, workdir, use_wrk)
                result = _load(side, hosts, args.seconds, args, workdir, use_wrk)
                results[side.name].append(result)
                print(
                    f"  round {round_number}  {side.name:<17} {result.load.rps:8.0f} req/s"
                    f"  server CPU {result.cpu_per_request_us:5.0f} us/req"
                    f"  p99 {_ms(result.load.p99_ms)}  socket errors {result.load.socket_errors}"
                )
        _report(results, sides)
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument(
        "--redis",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="only with (--redis) or without (--no-redis) REDIS_URL; default both if it answers",
    )
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=1_000, help="distinct tenant hosts to cycle")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per app")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of one round")
    parser.add_argument("--rounds", type=int, default=6, help="a multiple of the sides")
    parser.add_argument("--warmup", type=float, default=4.0, help="first warm-up per app")
    parser.add_argument("--prewarm", type=float, default=2.0, help="unmeasured, before each round")
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument(
        "--foyer-app", default="wsgi:app", help="gunicorn app of Foyer's side (to try a variant)"
    )
    return parser.parse_args(argv)


def _redis_variants(flag: bool | None) -> list[bool]:
    if flag is False:
        return [False]
    if common.redis_available():
        return [True] if flag else [False, True]
    if flag:
        raise SystemExit(f"--redis given but {common.REDIS_URL} does not answer")
    print(f"Redis at {common.REDIS_URL} does not answer: measuring without REDIS_URL only")
    return [False]


def _fill_tenants(url: str, count: int) -> list[str]:
    slugs = [f"firm{number:05d}" for number in range(count)]
    created = datetime(2026, 11, 23)
    rows = [
        {
            "slug": slug,
            "name": f"Firm {slug} LLP",
            "status": "active",
            "theme": "default",
            "signup_mode": "invite_only",
            "welcome_message": "",
            "invite_expiry_days": 14,
            "created_at": created,
        }
        for slug in slugs
    ]
    common.insert_rows(url, "tenants", rows)
    return slugs


def _serve(stack: ExitStack, side: Side, workdir: Path, workers: int) -> None:
    log = stack.enter_context(open(_log_path(side, workdir), "wb"))
    args = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "sync"]
    args += ["-b", f"127.0.0.1:{side.port}", "--log-level", "warning"]
    if gunicorn.version_info >= (27,):
        args.append("--no-control-socket")  # else every instance claims ~/.gunicorn/gunicorn.ctl
    args.append(side.app)
    side.pgid = stack.enter_context(common.running(args, side.env, log)).pid


def _log_path(side: Side, workdir: Path) -> Path:
    return workdir / f"gunicorn-{side.port}.log"


def _wait_ready(side: Side, host: str, workdir: Path) -> None:
    def answers() -> bool:
        request = urllib.request.Request(
            f"http://127.0.0.1:{side.port}{PATH}", headers={"Host": host}
        )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                body = response.read().decode()
        except urllib.error.HTTPError as error:
            print(common.log_tail(_log_path(side, workdir)), file=sys.stderr)
            raise RuntimeError(f"{side.name} answered {error.code} for Host {host}") from error
        except OSError:
            return False
        if body != ROBOTS:
            raise RuntimeError(f"{side.name} served an unexpected body: {body!r}")
        return True

    try:
        common.wait_until(
            answers, timeout=60, what=f"{side.name} on port {side.port}", interval=0.2
        )
    except TimeoutError:
        print(common.log_tail(_log_path(side, workdir)), file=sys.stderr)
        raise


def _load(
    side: Side,
    hosts: list[str],
    seconds: float,
    args: argparse.Namespace,
    workdir: Path,
    use_wrk: bool,
) -> Round:
    cpu = common.group_cpu_seconds(side.pgid)
    result = run_load(side.port, PATH, hosts, seconds, args.connections, workdir, use_wrk)
    cpu = common.group_cpu_seconds(side.pgid) - cpu
    if result.bad_status:
        print(common.log_tail(_log_path(side, workdir)), file=sys.stderr)
        raise RuntimeError(f"{side.name}: {result.bad_status} responses were not 200")
    return Round(result, cpu)


def _ms(value: float) -> str:
    return f"{value:6.1f} ms" if value else "   n/a   "


def _describe(args: argparse.Namespace, url: str, tenants: int, hosts: int, wrk: bool) -> None:
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    generator = f"wrk -t1 -c{args.connections}" if wrk else f"Python x{args.connections}"
    print(
        f"GET {PATH} over {hosts} tenant hosts ({tenants} tenants, {database}); gunicorn "
        f"{args.workers} sync workers per app; {generator}; warm-up {args.warmup:.0f}s, "
        f"{args.rounds} alternating rounds of {args.seconds:.0f}s; "
        f"load average {os.getloadavg()[0]:.1f} (other work on the machine skews the figures)"
    )


def _report(results: dict[str, list[Round]], sides: list[Side]) -> None:
    """Medians per side; ratios are medians of per-round ratios (robust to machine drift).

    Server CPU per request does not depend on how much CPU the load generator took, so its
    ratio is a second, less noisy view of the same cost on a busy machine.
    """
    baseline = results[sides[0].name]
    print(f"\n{'app':<17} {'req/s':>7} {'ratio':>6}   {'server CPU/req':>14} {'ratio':>6}")
    for side in sides:
        rounds = results[side.name]
        rps = statistics.median(r.load.rps for r in rounds)
        cpu = statistics.median(r.cpu_per_request_us for r in rounds)
        pairs = list(zip(rounds, baseline, strict=True))
        ratio = statistics.median(r.load.rps / b.load.rps for r, b in pairs)
        cpu_ratio = statistics.median(b.cpu_per_request_us / r.cpu_per_request_us for r, b in pairs)
        verdict = "" if side is sides[0] else "  meets target" if ratio >= TARGET else "  BELOW"
        print(f"{side.name:<17} {rps:7.0f} {ratio:6.2f}   {cpu:11.0f} us {cpu_ratio:6.2f}{verdict}")
    print(
        f"target: Foyer / bare Flask req/s >= {TARGET} (load average now {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    sys.exit(main())
