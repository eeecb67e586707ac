"""Enqueueing: RQ on REDIS_URL, or in-process in embedded mode (after the response is sent).

In embedded mode a long job (`background=True`: a bulk run of thousands of rows) gets its own
daemon thread, so the web worker that answered the request is free again at once. A thread
ends with its process: such a job must record its progress so that a sweep can resume it.

Domain services name a job (`enqueue("deliver_outbox", ids)`) because the job functions live in
a higher layer; interfaces may pass the function itself. `jobs.tasks.init_app` registers names.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, has_request_context, request
from flask.globals import app_ctx
from redis.exceptions import RedisError
from rq import Queue
from werkzeug.wsgi import ClosingIterator

log = logging.getLogger(__name__)

JOB_TIMEOUT = 180
RESULT_TTL = 500
FAILURE_TTL = 7 * 24 * 3600
_AFTER_RESPONSE = "foyer.after_response"

Job = Callable[..., object]


def init_app(app: Flask) -> None:
    redis = app.extensions["foyer.redis"]
    app.extensions["foyer.queue"] = (
        Queue(queue_name(app), connection=redis, default_timeout=JOB_TIMEOUT)
        if redis is not None
        else None
    )
    app.extensions.setdefault("foyer.jobs", {})
    if redis is None:
        runner = app.extensions["foyer.after_response"] = RunAfterResponse(app, app.wsgi_app)
        app.wsgi_app = runner  # type: ignore[method-assign]  # Flask's documented middleware hook


def register_jobs(app: Flask, functions: Iterable[Job]) -> None:
    """Make each job enqueueable by its function name."""
    registry: dict[str, Job] = app.extensions.setdefault("foyer.jobs", {})
    for func in functions:
        registry[func.__name__] = func


def queue_name(app: Flask) -> str:
    return f"{app.config['REDIS_KEY_PREFIX']}default"


def enqueue(
    target: Job | str,
    *args: object,
    job_id: str | None = None,
    delay: float | None = None,
    background: bool = False,
) -> bool:
    """The only way to start background work. Call it after the commit that the job reads
    (`portal.core.database.after_commit`).

    Returns False, with a logged warning, when Redis is unreachable: the committed rows are the
    truth and the recurring sweeps (outbox, domain checks) pick them up once Redis is back, so
    an action that committed never fails because its job could not be queued.

    `background`: a long job; in embedded mode it runs in a thread of its own."""
    func = _resolve(target)
    queue: Queue | None = current_app.extensions["foyer.queue"]
    if queue is None:
        _run_in_process(func, args, delay, background)
        return True
    options: dict[str, Any] = {
        "job_id": job_id,
        "result_ttl": RESULT_TTL,
        "failure_ttl": FAILURE_TTL,
        "job_timeout": JOB_TIMEOUT,
    }
    try:
        if delay:
            queue.enqueue_in(timedelta(seconds=delay), func, *args, **options)
        else:
            queue.enqueue(func, *args, **options)
    except RedisError as exc:
        log.warning(
            "Redis unreachable, job %s not queued (a sweep retries it): %s",
            getattr(func, "__name__", func),
            exc,
        )
        return False
    return True


def _resolve(target: Job | str) -> Job:
    if not isinstance(target, str):
        return target
    try:
        return current_app.extensions["foyer.jobs"][target]
    except KeyError:
        raise LookupError(f"no job named {target!r} (see jobs/tasks.py)") from None


def _run_in_process(
    func: Job, args: tuple[object, ...], delay: float | None, background: bool
) -> None:
    """Embedded mode: later work on a timer; a request's work after its response is sent (a
    long job's thread starts then); anything else (CLI, another job, a test) at once."""
    app = app_ctx.app  # the Flask object itself: the timer thread has no context
    if delay:
        timer = threading.Timer(delay, _run_in_app, (app, func, args))
        timer.daemon = True
        timer.start()
    elif has_request_context() and _AFTER_RESPONSE in request.environ:
        request.environ[_AFTER_RESPONSE].append((func, args, background))
    elif background:
        start_thread(app, func, args)
    else:
        func(*args)


def start_thread(app: Flask, func: Job, args: tuple[object, ...]) -> threading.Thread:
    """A daemon thread, its own application context and database session; errors logged."""
    name = f"foyer-job-{getattr(func, '__name__', 'job')}"
    thread = threading.Thread(target=_run_in_app, args=(app, func, args), name=name, daemon=True)
    thread.start()
    return thread


def _run_in_app(app: Flask, func: Job, args: tuple[object, ...]) -> None:
    with app.app_context():
        try:
            func(*args)
        except Exception:  # one failing job must not stop the others after this response
            log.exception("in-process job %s failed", getattr(func, "__name__", func))


class RunAfterResponse:
    """WSGI wrapper: jobs a request enqueued run when the server closes its response, that is
    after the last byte was sent, so a bulk invite or a slow SMTP server never delays a page."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        # Set by jobs.tasks: starts the embedded schedule once this process serves requests.
        self.on_first_request: Callable[[], object] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.on_first_request is not None:
            start, self.on_first_request = self.on_first_request, None
            start()
        pending: list[tuple[Job, tuple[object, ...], bool]] = []
        environ[_AFTER_RESPONSE] = pending
        body = self.wsgi_app(environ, start_response)
        if not pending:
            return body
        return ClosingIterator(body, lambda: self._run(pending))

    def _run(self, pending: list[tuple[Job, tuple[object, ...], bool]]) -> None:
        while pending:  # a job may enqueue more: those run too, in order
            func, args, background = pending.pop(0)
            if background:
                start_thread(self.app, func, args)
            else:
                _run_in_app(self.app, func, args)
