"""p99 of the on-demand TLS `ask` endpoint on the 10,000-tenant data set (issue #19.5: < 5 ms).

    .venv/bin/python -m bench.tls_ask --database-url URL_OF_A_KEPT_DATA_SET [--seconds 10]

The database is a schema filled by `python -m bench.dataset --keep` (10,000 tenants, 1,000
verified custom domains); it is only read. gunicorn serves Foyer as the README's production
command does (`gunicorn.conf.py`, 4 workers). wrk asks `GET /tls/ask?domain=<name>` as a proxy
such as Caddy does before it obtains a certificate, rotating over 3,000 names: 1,000 verified
custom domains, 1,000 tenants' platform subdomains and 1,000 unknown names (404), so the
per-process tenant cache sees many hosts, hits and misses. The baseline is bare Flask's
`/hello` (`bench/bare_app.py`) under the same load in the same run. p99 is measured at low
concurrency (2 connections): it is a latency target, not a throughput one.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from bench import common
from bench.loadgen import has_wrk

PLATFORM_DOMAIN = "bench.example"  # bench.dataset's
SECRET_KEY = "bench-secret-key-0123456789abcdef"
TARGET_MS = 5.0
_LUA = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Host"] = "%(host)s"})
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    summary.errors.status, latency:percentile(99)))
end
"""
_RESULT = re.compile(r"^BENCH (\d+) (\d+) (\d+) (\d+)$", re.MULTILINE)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    common.stop_on_sigterm()
    if not has_wrk():
        print("wrk not found: install it with `apt-get install -y wrk`")
        return 1
    names = _names(args.database_url)
    with common.workdir("foyer-bench-ask-") as workdir, ExitStack() as stack:
        env = common.child_env(
            {
                "DATABASE_URL": args.database_url,
                "SECRET_KEY": SECRET_KEY,
                "PLATFORM_DOMAIN": PLATFORM_DOMAIN,
                "FOYER_EMBEDDED_SCHEDULER": "false",
            }
        )
        foyer, bare = common.free_port(), common.free_port()
        for port, app in ((foyer, "wsgi:app"), (bare, "bench.bare_app:app")):
            log_path = workdir / f"gunicorn-{port}.log"
            command = common.gunicorn_args(port, args.workers)
            command[-1] = app
            server = stack.enter_context(
                common.running(command, env, stack.enter_context(open(log_path, "wb")))
            )
            common.wait_for_http(port, "localhost", "/tls/ask?domain=x", server, log_path)
        print(
            f"{len(names)} names ({sum(ok for _, ok in names)} known) against "
            f"{args.database_url.rpartition('%3D')[2]}; gunicorn.conf.py, {args.workers} workers;"
            f" wrk -t1 -c{args.connections}; load average {os.getloadavg()[0]:.1f}"
        )
        _check(foyer, names)
        paths = [f"/tls/ask?domain={name}" for name, _ in names]
        _wrk(foyer, paths, 3, args.connections, workdir)  # fill every worker's cache
        results = []
        for round_number in range(1, args.rounds + 1):
            for name, port, rotation in (("ask", foyer, paths), ("bare", bare, ["/hello"])):
                requests, seconds, bad, p99 = _wrk(
                    port, rotation, args.seconds, args.connections, workdir
                )
                print(
                    f"  round {round_number}  {name:<5} {requests / seconds:7.0f} req/s"
                    f"  p99 {p99:6.2f} ms  non-2xx {bad} (unknown names: 404)"
                )
                results.append((name, p99))
    ask = sorted(p99 for name, p99 in results if name == "ask")
    hello = sorted(p99 for name, p99 in results if name == "bare")
    median_ask, median_hello = ask[len(ask) // 2], hello[len(hello) // 2]
    verdict = "meets target" if median_ask < TARGET_MS else "MISSED"
    print(
        f"\n/tls/ask p99 {median_ask:.2f} ms (median of {args.rounds} rounds; bare Flask /hello "
        f"p99 {median_hello:.2f} ms in the same run): {verdict} (target < {TARGET_MS:g} ms; "
        f"load average now {os.getloadavg()[0]:.1f})"
    )
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a schema from bench.dataset")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args(argv)


def _names(url: str) -> list[tuple[str, bool]]:
    """(name, should answer 200): verified domains, platform subdomains, unknown names."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            hosts = list(conn.scalars(text("SELECT host FROM domains WHERE status = 'verified'")))
            slugs = list(conn.scalars(text("SELECT slug FROM tenants ORDER BY id")))
    finally:
        engine.dispose()
    step = max(1, len(slugs) // 1000)
    names = [(host, True) for host in hosts[:1000]]
    names += [(f"{slug}.{PLATFORM_DOMAIN}", True) for slug in slugs[::step][:1000]]
    names += [(f"unknown{n}.example", False) for n in range(1000)]
    return [names[i] for order in range(3) for i in range(order, len(names), 3)]  # interleave


def _check(port: int, names: list[tuple[str, bool]]) -> None:
    for name, known in names[:30]:
        status = common.http_request(port, "GET", f"/tls/ask?domain={name}", "localhost")[0]
        if status != (200 if known else 404):
            raise RuntimeError(f"/tls/ask?domain={name} answered {status}")


def _wrk(
    port: int, paths: list[str], seconds: float, connections: int, workdir: Path
) -> tuple[int, float, int, float]:
    """(requests, seconds, status errors other than 404, p99 ms)."""
    script = workdir / "ask.lua"
    quoted = ", ".join(f'"{path}"' for path in paths)
    script.write_text(_LUA % {"paths": quoted, "host": "localhost"})
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", str(script)]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}/"],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    match = _RESULT.search(output)
    if match is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    requests, micros, errors, p99 = map(int, match.groups())
    return requests, micros / 1e6, errors, p99 / 1e3


if __name__ == "__main__":
    sys.exit(main())
