"""CPU instructions per warm tenant-resolved request: Foyer against bare Flask, under callgrind.

    .venv/bin/python -m bench.instructions [--redis] [--requests 2000]

Requests per second on a shared two-core machine move by ±10% from one run to the next, so a
small change to the request path is hard to see there. Instruction counts are deterministic.
Each side runs twice under `valgrind --tool=callgrind` (0 and N requests, both after the same
warm-up, GC paused while measuring); the difference divided by N is the cost of one request:
the WSGI call in-process, without a server or socket. Needs `valgrind` (apt-get install -y
valgrind). Takes about four minutes; the four runs go two at a time.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench import common
from bench.tenant_resolution import PLATFORM_DOMAIN, SECRET_KEY, _fill_tenants

HOSTS = 1_000
WARMUP = 2_000
COLLECTED = re.compile(r"Collected : (\d+)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", action="store_true", help="Foyer with REDIS_URL")
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--child", nargs=3, metavar=("SIDE", "URL", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        side, url, count = args.child
        _serve_requests(side, url, int(count), redis=args.redis)
        return 0
    prefix = common.new_redis_prefix()
    with common.workdir("foyer-bench-instructions-") as workdir:
        with common.fresh_database(None, workdir) as url:
            _fill_tenants(url, 10_000)
            env = common.child_env({"FOYER_REDIS_KEY_PREFIX": prefix})
            runs = [(side, n) for side in ("bare", "foyer") for n in (0, args.requests)]
            with ThreadPoolExecutor(max_workers=2) as pool:
                counts = list(
                    pool.map(lambda run: _count(run[0], url, run[1], args.redis, env), runs)
                )
        if args.redis:
            common.delete_redis_keys(prefix)
    bare = (counts[1] - counts[0]) / args.requests
    foyer = (counts[3] - counts[2]) / args.requests
    variant = "Foyer + Redis" if args.redis else "Foyer (no Redis)"
    print(f"GET /robots.txt over {HOSTS} tenant hosts, in-process, warm cache, callgrind")
    print(f"bare Flask        {bare:10,.0f} instructions/request")
    print(f"{variant:<17} {foyer:10,.0f} instructions/request")
    print(f"ratio bare / Foyer {bare / foyer:.2f}")
    return 0


def _count(side: str, url: str, requests: int, redis: bool, env: dict[str, str]) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "bench.instructions",
        *(["--redis"] if redis else []),
        "--child",
        side,
        url,
        str(requests),
    ]
    done = subprocess.run(command, env=env, cwd=common.ROOT, capture_output=True, text=True)
    match = COLLECTED.search(done.stderr)
    if done.returncode != 0 or match is None:
        raise SystemExit(f"callgrind run failed ({' '.join(command)}):\n{done.stderr[-3000:]}")
    return int(match.group(1))


def _serve_requests(side: str, url: str, count: int, redis: bool) -> None:
    from werkzeug.test import EnvironBuilder

    slugs = [f"firm{number:05d}" for number in range(0, 10_000, 10_000 // HOSTS)]
    environs = [
        EnvironBuilder(
            path="/robots.txt", headers={"Host": f"{slug}.{PLATFORM_DOMAIN}"}
        ).get_environ()
        for slug in slugs
    ]
    if side == "bare":
        from bench.bare_app import app
    else:
        from portal.app import create_app

        # Callgrind runs code about 50 times slower: keep entries alive and the version check
        # as rare per request as it is at full speed (once a second, about 3,000 requests).
        config: dict[str, Any] = {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "PLATFORM_DOMAIN": PLATFORM_DOMAIN,
            "TENANT_CACHE_TTL": 3600.0,
            "TENANT_CACHE_VERSION_CHECK_INTERVAL": 50.0,
            # The recurring-job thread of embedded mode would tick 50 times as often per
            # request under callgrind; this counts the request path only.
            "EMBEDDED_SCHEDULER": False,
        }
        if redis:
            config["REDIS_URL"] = common.REDIS_URL
            config["REDIS_KEY_PREFIX"] = os.environ["FOYER_REDIS_KEY_PREFIX"]
        app = create_app(config)

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        if not status.startswith("200"):
            raise SystemExit(f"{side}: {status}")

    def serve(requests: int) -> None:
        for number in range(requests):
            for _chunk in app(dict(environs[number % len(environs)]), start_response):
                pass

    serve(WARMUP)
    gc.collect()
    gc.disable()
    serve(count)


if __name__ == "__main__":
    sys.exit(main())
