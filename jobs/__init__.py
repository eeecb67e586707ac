"""Background work: RQ queues on REDIS_URL, or in-process execution in embedded mode."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import timedelta

from flask import Flask, current_app
from rq import Queue

JOB_TIMEOUT = 180
RESULT_TTL = 500
FAILURE_TTL = 7 * 24 * 3600


def init_app(app: Flask) -> None:
    from jobs import cli

    redis = app.extensions["foyer.redis"]
    app.extensions["foyer.queue"] = (
        Queue(queue_name(app), connection=redis, default_timeout=JOB_TIMEOUT)
        if redis is not None
        else None
    )
    app.cli.add_command(cli.worker_command)


def queue_name(app: Flask) -> str:
    return f"{app.config['REDIS_KEY_PREFIX']}default"


def recurring_job_id(name: str) -> str:
    """A fixed job id for a self-rescheduling job, distinct per deployment (key prefix)."""
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", current_app.config["REDIS_KEY_PREFIX"])
    return f"{prefix}{name}"


def enqueue(
    func: Callable[..., object],
    *args: object,
    job_id: str | None = None,
    delay: float | None = None,
) -> None:
    """The only way to start background work. Call it after the commit that the job reads."""
    queue: Queue | None = current_app.extensions["foyer.queue"]
    if queue is None:
        _run_in_process(func, args, delay)
        return
    options = {
        "job_id": job_id,
        "result_ttl": RESULT_TTL,
        "failure_ttl": FAILURE_TTL,
        "job_timeout": JOB_TIMEOUT,
    }
    if delay:
        queue.enqueue_in(timedelta(seconds=delay), func, *args, **options)
    else:
        queue.enqueue(func, *args, **options)


def _run_in_process(func: Callable[..., object], args: tuple, delay: float | None) -> None:
    if not delay:
        func(*args)
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def run_later() -> None:
        with app.app_context():
            func(*args)

    timer = threading.Timer(delay, run_later)
    timer.daemon = True
    timer.start()
