"""gunicorn settings for Foyer, used by the README's production command:

    gunicorn --config gunicorn.conf.py --workers 4 --bind 127.0.0.1:8000 wsgi:app

gunicorn trusts `X-Forwarded-Proto` (and its other "secure scheme" headers) from
`forwarded_allow_ips`, which defaults to 127.0.0.1: without this file, a request from loopback
that merely claims https is treated as https even with `TRUSTED_PROXIES=0`. Here gunicorn
trusts forwarded headers exactly when the app does:

- `TRUSTED_PROXIES` unset, empty or 0: nobody (`forwarded_allow_ips = ""`); forged
  `X-Forwarded-*` headers change nothing.
- `TRUSTED_PROXIES` >= 1: the proxy addresses in `FORWARDED_ALLOW_IPS` (gunicorn's own
  variable), by default 127.0.0.1 and ::1, a proxy on the same machine. The app's ProxyFix
  reads the same headers for the same number of hops.

gunicorn treats connections over a UNIX socket as trusted whatever this says: bind to a TCP
address unless only the proxy can reach the socket.

Workers are `gthread` with 12 threads each, not gunicorn's default `sync`: a sign-in spends
~60 ms of CPU in argon2, and with sync workers 50 sign-ins at once queue every other request
behind them (`bench/signin_burst.py`: p99 of `/robots.txt` ~200x its idle value; 12 threads:
~2.5x). With threads, the other requests are served meanwhile; `portal.auth.passwords` lets
one thread per process hash at a time (argon2 releases the GIL), and a thread waiting for it
still holds a thread: 8 threads let an uneven burst fill a worker and stall requests behind
it for seconds. 12 threads stay under the database pool's 15 connections per process.
Override with `--threads` / `--worker-class` on the command line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


def trusted_proxy_hops(environ: Mapping[str, str] = os.environ) -> int:
    """`TRUSTED_PROXIES` as the app reads it: a whole number, empty meaning 0."""
    raw = (environ.get("TRUSTED_PROXIES") or "0").strip() or "0"
    hops = int(raw)
    if hops < 0:
        raise ValueError(f"TRUSTED_PROXIES must be 0 or more, not {raw!r}")
    return hops


def allowed_forwarders(environ: Mapping[str, str] = os.environ) -> str:
    if trusted_proxy_hops(environ) == 0:
        return ""
    return environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"


forwarded_allow_ips = allowed_forwarders()
worker_class = "gthread"
threads = 12
