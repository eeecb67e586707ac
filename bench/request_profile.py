"""Where a tenant-resolved request spends its time: cProfile of GET /robots.txt, in-process.

    .venv/bin/python -m bench.request_profile [--redis] [--requests 20000] [--sort tottime]

Calls the WSGI app directly (no server, no test client) over 1,000 tenant hosts of a fresh
SQLite database, after warming the tenant cache, and prints per-request times of Foyer and of
the bare Flask app, then Foyer's profile. Profiling inflates every call; compare proportions.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.test import EnvironBuilder

from bench import common
from bench.tenant_resolution import PLATFORM_DOMAIN, SECRET_KEY, _fill_tenants

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", action="store_true", help="with REDIS_URL (version checks)")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key, e.g. tottime")
    parser.add_argument("--limit", type=int, default=40, help="profile lines to print")
    args = parser.parse_args(argv)
    prefix = common.new_redis_prefix()
    with common.workdir("foyer-bench-profile-") as workdir:
        with common.fresh_database(None, workdir) as url:
            slugs = _fill_tenants(url, 10_000)
            environs = [
                EnvironBuilder(
                    path="/robots.txt", headers={"Host": f"{slug}.{PLATFORM_DOMAIN}"}
                ).get_environ()
                for slug in slugs[::10]
            ]
            from bench.bare_app import app as bare
            from portal.app import create_app

            config = {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY}
            config["PLATFORM_DOMAIN"] = PLATFORM_DOMAIN
            if args.redis:
                config |= {"REDIS_URL": common.REDIS_URL, "REDIS_KEY_PREFIX": prefix}
            foyer = create_app(config)
            try:
                for name, app in (("bare Flask", bare), ("Foyer", foyer)):
                    _run(app, environs, len(environs))  # warm the tenant cache
                    seconds = _run(app, environs, args.requests)
                    print(f"{name:<11} {seconds / args.requests * 1e6:6.0f} us/request")
                profile = cProfile.Profile()
                profile.runcall(_run, foyer, environs, args.requests)
            finally:
                if args.redis:
                    common.delete_redis_keys(prefix)
    stats = pstats.Stats(profile, stream=sys.stdout)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.limit)
    return 0


def _run(app: WsgiApp, environs: list[dict[str, Any]], count: int) -> float:
    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        if not status.startswith("200"):
            raise RuntimeError(f"GET /robots.txt answered {status}")

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
