"""Recurring jobs that heal themselves: nothing about them is stored only in one place.

Every `foyer worker` runs a scheduler thread; each tick it enqueues the recurring jobs whose
interval has passed. In Redis mode "has passed" is a key set with NX and an expiry, so several
workers on several machines start each run once, and an emptied Redis simply runs everything
again on the next tick. In embedded mode the web process runs the same loop in a thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import Flask

from jobs.queue import enqueue

log = logging.getLogger(__name__)
TICK_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Recurring:
    """A job to run every `config[interval_setting]` seconds (a sweep: idempotent, no args)."""

    name: str
    func: Callable[[], object]
    interval_setting: str


class Scheduler:
    def __init__(self, app: Flask, recurring: Sequence[Recurring]) -> None:
        self.app = app
        self.recurring = tuple(recurring)
        self._last_run: dict[str, float] = {}
        self._stopped = threading.Event()

    def tick(self) -> list[str]:
        """Enqueue every job that is due; returns their names."""
        started = []
        with self.app.app_context():
            for entry in self.recurring:
                if self._claim(entry):
                    try:
                        queued = enqueue(entry.func)  # False: Redis down, logged by enqueue
                    except Exception:
                        log.exception("could not enqueue recurring job %s", entry.name)
                        continue
                    if not queued:
                        continue
                    started.append(entry.name)
        return started

    def _claim(self, entry: Recurring) -> bool:
        interval = max(1, int(self.app.config[entry.interval_setting]))
        redis = self.app.extensions["foyer.redis"]
        if redis is None:
            now = time.monotonic()
            last = self._last_run.get(entry.name)
            if last is not None and now - last < interval:
                return False
            self._last_run[entry.name] = now
            return True
        key = f"{self.app.config['REDIS_KEY_PREFIX']}recurring:{entry.name}"
        try:
            return bool(redis.set(key, "1", nx=True, ex=interval))
        except Exception:
            log.warning("Redis unavailable; recurring job %s waits for the next tick", entry.name)
            return False

    def run_forever(self) -> None:
        while not self._stopped.is_set():
            try:
                self.tick()
            except Exception:  # a broken tick must not end the schedule
                log.exception("scheduler tick failed")
            self._stopped.wait(TICK_SECONDS)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="foyer-scheduler", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stopped.set()
