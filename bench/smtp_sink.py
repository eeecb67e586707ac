"""An aiosmtpd server in its own process that only counts messages (and when they arrived).

A separate process keeps the server from sharing a GIL with the timing loop or with smtplib.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from typing import Any

_SPAWN = multiprocessing.get_context("spawn")


@dataclass
class SinkState:
    """Shared with the sink process: message count, first and last arrival (time.time())."""

    count: Synchronized
    first: Synchronized
    last: Synchronized
    pid: int = 0  # of the sink process, for its CPU time; set in the parent only

    def reset(self) -> None:
        with self.count.get_lock():
            self.count.value = 0
            self.first.value = 0.0
            self.last.value = 0.0


class _CountingHandler:
    def __init__(self, state: SinkState) -> None:
        self.state = state

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        now = time.time()
        state = self.state
        with state.count.get_lock():
            if state.count.value == 0:
                state.first.value = now
            state.count.value += 1
            state.last.value = now
        return "250 Message accepted for delivery"


def _serve(port: int, state: SinkState, ready: Any) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(_CountingHandler(state), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


@contextmanager
def smtp_sink(port: int) -> Iterator[SinkState]:
    state = SinkState(_SPAWN.Value("q", 0), _SPAWN.Value("d", 0.0), _SPAWN.Value("d", 0.0))
    ready = _SPAWN.Event()
    process = _SPAWN.Process(target=_serve, args=(port, state, ready), daemon=True)
    process.start()
    state.pid = process.pid or 0
    try:
        if not ready.wait(timeout=30):
            raise RuntimeError("the SMTP sink did not start")
        yield state
    finally:
        process.terminate()
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()
