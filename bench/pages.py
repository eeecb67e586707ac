"""Requests/s of the pages people use (issue #19) against bare Flask, on the platform data set.

    .venv/bin/python -m bench.pages --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
        [--scale 0.01 | --keep] [--seconds 5] [--rounds 3] [--redis]

Three gunicorn servers (2 sync workers each) stay up the whole run: bare Flask "hello"
(`bench/bare_app.py`), bare Flask rendering portal-like HTML from Jinja templates
(`bench/bare_template_app.py`) and Foyer (`wsgi:app`). Every page is loaded by the same
generator with the same settings, in rounds that rotate the order of the pages, so every page
is measured first, in the middle and last equally often. The ratios are medians of per-round
ratios. Signed-in pages carry a session cookie from one real sign-in (form and CSRF token)
before the load. Exits non-zero only when something crashes, never because a target is missed;
a page that does not answer 200 is reported and left out.

Without `--keep` the script fills a fresh schema with `bench.dataset` at `--scale` (default
0.01) and drops it at the end. With `--keep`, `--database-url` is a schema already filled by
`python -m bench.dataset --keep` (its printed URL); it is used as it is and kept.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import sys
import time
import urllib.parse
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from bench import common, dataset
from bench.loadgen import WRK_MISSING, LoadResult, has_wrk, run_load
from bench.tenant_resolution import Side, _serve
from portal.core.pagination import encode_cursor

SECRET_KEY = "bench-secret-key-0123456789abcdef"
BIG_HOST = f"{dataset.BIG_SLUG}.{dataset.PLATFORM_DOMAIN}"
SMALL_HOST = f"{dataset.SMALL_SLUG}.{dataset.PLATFORM_DOMAIN}"
PER_PAGE = 50  # portal.core.pagination.PER_PAGE
MAX_PAGE = 10_000  # portal.core.pagination.MAX_PAGE
SIGN_IN_TARGET = 0.4  # issue #19, target 1: sign-in page and portal home / bare "hello"
TEMPLATE_TARGET = 0.8  # … and / bare Flask rendering a template
STAFF_TARGET = 3.0  # target 2: large tenant's page within 3x the time of a 10-account tenant


@dataclass
class Target:
    """One URL on one server, measured in every round."""

    name: str
    side: Side
    path: str
    host: str
    who: str = ""  # "client", "staff", "small staff": whose session cookie it sends
    baseline: str = ""  # the bare template page it is compared with
    small: str = ""  # for a large-tenant staff page: the same page on the 10-account tenant
    rounds: list[tuple[LoadResult, float]] = field(default_factory=list)
    failure: str = ""


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    common.stop_on_sigterm()
    use_wrk = args.loadgen == "wrk" or (args.loadgen == "auto" and has_wrk())
    if not use_wrk:
        print(WRK_MISSING if args.loadgen == "auto" else "load generator: Python (forced)")
    prefix = common.new_redis_prefix()
    with common.workdir("foyer-bench-pages-") as workdir, ExitStack() as stack:
        if args.keep:
            url = args.database_url
        else:
            url = stack.enter_context(common.fresh_database(args.database_url, workdir))
            dataset.fill(url, dataset.Sizes.at(args.scale))
        if args.redis:
            stack.callback(common.delete_redis_keys, prefix)
        env = {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY}
        env["PLATFORM_DOMAIN"] = dataset.PLATFORM_DOMAIN
        if args.redis:
            env |= {"REDIS_URL": common.REDIS_URL, "FOYER_REDIS_KEY_PREFIX": prefix}
        hello = Side("bare Flask hello", "bench.bare_app:app", common.child_env({}), 0)
        template = Side("bare template", "bench.bare_template_app:app", common.child_env({}), 0)
        foyer = Side("Foyer", args.foyer_app, common.child_env(env), 0)
        for side in (hello, template, foyer):
            side.port = common.free_port()
            _serve(stack, side, workdir, args.workers)
        for side, path, host in (
            (hello, "/hello", "localhost"),
            (template, "/sign-in", "localhost"),
            (foyer, "/sign-in", BIG_HOST),
        ):
            _wait_ready(side, path, host, workdir)
        cookies = {
            "client": _sign_in(foyer.port, BIG_HOST, "/sign-in", dataset.CLIENT_EMAIL),
            "staff": _sign_in(foyer.port, BIG_HOST, "/admin/sign-in", _owner(dataset.BIG_SLUG)),
            "small staff": _sign_in(
                foyer.port, SMALL_HOST, "/admin/sign-in", _owner(dataset.SMALL_SLUG)
            ),
        }
        accounts = _accounts(url)
        deep = min(MAX_PAGE, max(1, accounts // PER_PAGE * 9 // 10))
        targets = _targets(hello, template, foyer, accounts, _deep_cursor(url, deep))
        if args.only:
            targets = [t for t in targets if t.side is not foyer or args.only in t.name]
        _describe(args, url, use_wrk)
        for target in targets:
            _check(target, cookies, workdir)
        live = [t for t in targets if not t.failure]
        for target in live:
            _load(target, cookies, args.warmup, args, workdir, use_wrk)
        for round_number in range(1, args.rounds + 1):
            shift = (round_number - 1) % len(live)
            for target in live[shift:] + live[:shift]:
                _load(target, cookies, args.prewarm, args, workdir, use_wrk)
                load, cpu = _load(target, cookies, args.seconds, args, workdir, use_wrk)
                target.rounds.append((load, cpu))
                print(
                    f"  round {round_number}  {target.name:<34} {load.rps:7.0f} req/s"
                    f"  p99 {load.p99_ms:7.1f} ms  server CPU {_us(load, cpu):6.0f} us/req",
                    flush=True,
                )
        _report(targets)
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL URL")
    parser.add_argument(
        "--keep", action="store_true", help="the URL is a schema filled by bench.dataset --keep"
    )
    parser.add_argument("--scale", type=float, default=0.01, help="data set size without --keep")
    parser.add_argument("--redis", action="store_true", help="give Foyer REDIS_URL")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per app")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=2.0, help="first warm-up per page")
    parser.add_argument("--prewarm", type=float, default=1.0, help="unmeasured, before each")
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--only", default="", help="measure only Foyer pages whose name has this")
    parser.add_argument("--foyer-app", default="wsgi:app", help="gunicorn app of Foyer's side")
    return parser.parse_args(argv)


def _owner(slug: str) -> str:
    return dataset.OWNER_EMAIL.format(slug=slug)


def _accounts(url: str) -> int:
    with psycopg.connect(dataset.libpq_url(url)) as conn:
        row = conn.execute(
            "SELECT count(*) FROM client_accounts WHERE tenant_id = %s", (dataset.BIG,)
        ).fetchone()
    return int(row[0]) if row else 0


def _deep_cursor(url: str, page: int) -> str:
    """The `after=` cursor of the clients list's Next link that leads to `page` (sorted by
    name), as staff paging down the list would follow it."""
    with psycopg.connect(dataset.libpq_url(url)) as conn:
        row = conn.execute(
            "SELECT lower(name), id FROM client_accounts WHERE tenant_id = %s"
            " AND archived_at IS NULL ORDER BY lower(name), id OFFSET %s LIMIT 1",
            (dataset.BIG, (page - 1) * PER_PAGE - 1),
        ).fetchone()
    return encode_cursor(row[0], row[1]) if row else ""


def _targets(
    hello: Side, template: Side, foyer: Side, accounts: int, deep_cursor: str = ""
) -> list[Target]:
    deep = min(MAX_PAGE, max(1, accounts // PER_PAGE * 9 // 10))
    targets = [
        Target("bare Flask hello", hello, "/hello", "localhost"),
        Target("bare template sign-in", template, "/sign-in", "localhost"),
        Target("bare template home", template, "/home", "localhost"),
        Target("sign-in page (anonymous)", foyer, "/sign-in", BIG_HOST, baseline="sign-in"),
        Target("portal home (client)", foyer, "/", BIG_HOST, "client", baseline="home"),
        Target("/messages/ (client)", foyer, "/messages/", BIG_HOST, "client", baseline="home"),
    ]
    staff_pages = (
        ("clients, first page", "/admin/clients/"),
        ("clients, filtered", "/admin/clients/?status=active"),
        (f"clients, page {deep}", f"/admin/clients/?page={deep}&after={deep_cursor}"),
        ("clients, text search", "/admin/clients/?q=" + urllib.parse.quote("Company 12")),
        ("pending list", "/admin/clients/pending"),
        ("dashboard home", "/admin/"),
    )
    for name, path in staff_pages:
        small = f"{name} (10 accounts)"
        targets.append(Target(name, foyer, path, BIG_HOST, "staff", small=small))
        targets.append(Target(small, foyer, path, SMALL_HOST, "small staff"))
    return targets


def _request(
    port: int, method: str, path: str, host: str, cookie: str = "", body: str = ""
) -> tuple[int, dict[str, list[str]], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": host}
    if cookie:
        headers["Cookie"] = cookie
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        received: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            received.setdefault(name.lower(), []).append(value)
        return response.status, received, response.read()
    finally:
        connection.close()


def _merge_cookies(jar: dict[str, str], headers: dict[str, list[str]]) -> None:
    for line in headers.get("set-cookie", []):
        name, _, value = line.split(";", 1)[0].partition("=")
        jar[name.strip()] = value.strip()


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items() if value)


def _sign_in(port: int, host: str, path: str, email: str) -> str:
    """Post the real sign-in form once (with its CSRF token); return the Cookie header."""
    jar: dict[str, str] = {}
    status, headers, body = _request(port, "GET", path, host)
    _merge_cookies(jar, headers)
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)
    if status != 200 or match is None:
        raise RuntimeError(f"sign-in form at {host}{path}: {status}, no CSRF token found")
    form = urllib.parse.urlencode(
        {"csrf_token": match.group(1).decode(), "email": email, "password": dataset.PASSWORD}
    )
    status, headers, body = _request(port, "POST", path, host, _cookie_header(jar), form)
    _merge_cookies(jar, headers)
    if status not in (302, 303):
        raise RuntimeError(f"signing in {email} at {host}{path} answered {status}, not a redirect")
    return _cookie_header(jar)


def _check(target: Target, cookies: dict[str, str], workdir: Path) -> None:
    """One request: a page that does not answer 200 is reported and not measured."""
    started = time.perf_counter()
    status, _, body = _request(
        target.side.port, "GET", target.path, target.host, cookies.get(target.who, "")
    )
    elapsed = (time.perf_counter() - started) * 1000
    if status == 200:
        print(
            f"  {target.name:<34} {target.path:<34} {len(body) / 1024:6.1f} KiB"
            f" {elapsed:8.0f} ms (first load)"
        )
        return
    target.failure = f"answered {status}"
    print(f"  {target.name:<34} {target.path:<34} ANSWERED {status}: left out")
    if status >= 500:
        print(common.log_tail(workdir / f"gunicorn-{target.side.port}.log"), file=sys.stderr)


def _load(
    target: Target,
    cookies: dict[str, str],
    seconds: float,
    args: argparse.Namespace,
    workdir: Path,
    use_wrk: bool,
) -> tuple[LoadResult, float]:
    headers = {"Cookie": cookies[target.who]} if target.who else {}
    side = target.side
    cpu = common.group_cpu_seconds(side.pgid)
    result = run_load(
        side.port, target.path, [target.host], seconds, args.connections, workdir, use_wrk, headers
    )
    cpu = common.group_cpu_seconds(side.pgid) - cpu
    if result.bad_status:
        print(common.log_tail(workdir / f"gunicorn-{side.port}.log"), file=sys.stderr)
        raise RuntimeError(f"{target.name}: {result.bad_status} responses were not 200")
    return result, cpu


def _us(load: LoadResult, cpu: float) -> float:
    return cpu / load.requests * 1e6 if load.requests else 0.0


def _describe(args: argparse.Namespace, url: str, wrk: bool) -> None:
    generator = f"wrk -t1 -c{args.connections}" if wrk else f"Python x{args.connections}"
    print(
        f"pages on {BIG_HOST} ({_accounts(url):,} accounts) and {SMALL_HOST}; gunicorn "
        f"{args.workers} sync workers per app; {generator}; {args.rounds} rotating rounds of "
        f"{args.seconds:g}s; Redis {'on' if args.redis else 'off'}; "
        f"load average {os.getloadavg()[0]:.1f} (other work on the machine skews the figures)"
    )


def _ratio(target: Target, other: Target) -> float:
    """Median over rounds of this page's req/s over the other's, measured in the same round."""
    pairs = zip(target.rounds, other.rounds, strict=True)
    return statistics.median(mine.rps / theirs.rps for (mine, _), (theirs, _) in pairs)


def _report(targets: list[Target]) -> None:
    by_name = {target.name: target for target in targets}
    hello = by_name["bare Flask hello"]
    print(
        f"\n{'page':<34} {'req/s':>7} {'p99 ms':>7} {'CPU us/req':>10} {'/hello':>7}"
        f" {'/template':>9}  {'time x 10-account page':>22}"
    )
    for target in targets:
        if target.failure:
            print(f"{target.name:<34} {target.failure}")
            continue
        rps = statistics.median(load.rps for load, _ in target.rounds)
        p99 = statistics.median(load.p99_ms for load, _ in target.rounds)
        cpu = statistics.median(_us(load, cpu) for load, cpu in target.rounds)
        line = f"{target.name:<34} {rps:7.0f} {p99:7.1f} {cpu:10.0f} {_ratio(target, hello):7.2f}"
        baseline = by_name.get(f"bare template {target.baseline}")
        line += f" {_ratio(target, baseline):9.2f}" if target.baseline and baseline else " " * 10
        small = by_name.get(target.small)
        if small is not None and not small.failure:
            line += f"  {_ratio(small, target):22.2f}"
        print(line)
    print(
        f"targets (issue #19): sign-in page and portal home >= {SIGN_IN_TARGET} x hello and "
        f">= {TEMPLATE_TARGET} x the bare template; staff pages on the large tenant within "
        f"{STAFF_TARGET:g}x the time of the same page at 10 accounts "
        f"(load average now {os.getloadavg()[0]:.1f})"
    )


def _wait_ready(side: Side, path: str, host: str, workdir: Path) -> None:
    def answers() -> bool:
        try:
            status, _, _ = _request(side.port, "GET", path, host)
        except OSError:
            return False
        if status != 200:
            print(common.log_tail(workdir / f"gunicorn-{side.port}.log"), file=sys.stderr)
            raise RuntimeError(f"{side.name} answered {status} for {host}{path}")
        return True

    try:
        common.wait_until(
            answers, timeout=60, what=f"{side.name} on port {side.port}", interval=0.2
        )
    except TimeoutError:
        print(common.log_tail(workdir / f"gunicorn-{side.port}.log"), file=sys.stderr)
        raise


if __name__ == "__main__":
    sys.exit(main())
