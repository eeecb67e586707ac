"""HTTP load: wrk with a Lua script that rotates Host headers, or a small Python fallback.

Both sides of a comparison must use the same generator and settings; on a 2-core machine the
generator competes with the server for CPU, so it is kept to one wrk thread (or a few processes).
"""

from __future__ import annotations

import multiprocessing
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

WRK_MISSING = "wrk not found: install it with `apt-get install -y wrk` (falling back to Python)"
_LUA = """
local hosts = {%(hosts)s}
local i = 0
request = function()
  i = i %% #hosts + 1
  return wrk.format("GET", "%(path)s", {["Host"] = hosts[i]%(headers)s})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %%d %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(99)))
end
"""
_RESULT = re.compile(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", re.MULTILINE)


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    socket_errors: int
    bad_status: int
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def has_wrk() -> bool:
    return shutil.which("wrk") is not None


def run_load(
    port: int,
    path: str,
    hosts: list[str],
    seconds: float,
    connections: int,
    workdir: Path,
    use_wrk: bool,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """`headers` (e.g. a session Cookie) go into every request besides Host."""
    if use_wrk:
        return _run_wrk(port, path, hosts, seconds, connections, workdir, headers or {})
    return _run_python(port, path, hosts, seconds, connections, headers or {})


def _run_wrk(
    port: int,
    path: str,
    hosts: list[str],
    seconds: float,
    connections: int,
    workdir: Path,
    headers: dict[str, str],
) -> LoadResult:
    script = workdir / "rotate_hosts.lua"
    quoted = ", ".join(f'"{host}"' for host in hosts)
    extra = "".join(f', ["{name}"] = "{value}"' for name, value in headers.items())
    script.write_text(_LUA % {"hosts": quoted, "path": path, "headers": extra})
    args = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", str(script)]
    output = subprocess.run(
        [*args, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    match = _RESULT.search(output)
    if match is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    requests, micros, connect, read, write, status, timeout, p99 = map(int, match.groups())
    return LoadResult(requests, micros / 1e6, connect + read + write + timeout, status, p99 / 1e3)


def _run_python(
    port: int,
    path: str,
    hosts: list[str],
    seconds: float,
    connections: int,
    headers: dict[str, str],
) -> LoadResult:
    """One process per connection (no GIL sharing), keep-alive when the server allows it."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    share = [hosts[index::connections] or hosts for index in range(connections)]
    start = time.monotonic()
    processes = [
        context.Process(target=_client, args=(port, path, part, seconds, headers, results))
        for part in share
    ]
    for process in processes:
        process.start()
    totals = [results.get(timeout=seconds + 60) for _ in processes]
    for process in processes:
        process.join()
    elapsed = time.monotonic() - start
    latencies = sorted(latency for t in totals for latency in t[4])
    return LoadResult(
        requests=sum(t[0] for t in totals),
        seconds=min(elapsed, max(t[3] for t in totals)),
        socket_errors=sum(t[1] for t in totals),
        bad_status=sum(t[2] for t in totals),
        p99_ms=latencies[int(len(latencies) * 0.99)] * 1e3 if latencies else 0.0,
    )


def _client(  # type: ignore[no-untyped-def]
    port: int, path: str, hosts: list[str], seconds: float, headers: dict[str, str], results
) -> None:
    requests = errors = bad = 0
    latencies: list[float] = []
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    payloads = [
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: keep-alive\r\n\r\n".encode()
        for host in hosts
    ]
    sock: socket.socket | None = None
    start = time.monotonic()
    deadline = start + seconds
    index = 0
    while time.monotonic() < deadline:
        try:
            if sock is None:
                sock = socket.create_connection(("127.0.0.1", port))
            sent = time.monotonic()
            sock.sendall(payloads[index % len(payloads)])
            status, keep_alive = _read_response(sock)
            latencies.append(time.monotonic() - sent)
        except OSError:
            errors += 1
            sock = _close(sock)
            continue
        index += 1
        requests += 1
        bad += status != 200
        if not keep_alive:
            sock = _close(sock)
    _close(sock)
    results.put((requests, errors, bad, time.monotonic() - start, latencies))


def _read_response(sock: socket.socket) -> tuple[int, bool]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before headers")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed mid-body")
        body += chunk
    return status, headers.get("connection", "").lower() != "close"


def _close(sock: socket.socket | None) -> None:
    if sock is not None:
        sock.close()
    return None
