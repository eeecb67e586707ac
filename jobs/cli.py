"""`foyer worker`: an RQ worker inside the application context, with the recurring schedule."""

from __future__ import annotations

import contextlib
import itertools
import logging
import signal
import time
from types import FrameType

import click
from flask.cli import with_appcontext
from flask.globals import app_ctx
from redis import Redis
from redis.exceptions import RedisError
from rq import Worker

from jobs.scheduler import Scheduler

log = logging.getLogger(__name__)
RESTART_DELAYS = (1.0, 2.0, 4.0, 8.0, 15.0)  # then 15 s until Redis answers again


class StopAwareWorker(Worker):
    """Remembers a stop request (SIGTERM, SIGINT), so `foyer worker` can tell it from a main
    loop that RQ ended because Redis went away outside its reconnecting dequeue (RQ quits on
    any Redis error while it marks a job done or sends a heartbeat)."""

    stop_requested = False

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop_requested = True
        super().request_stop(signum, frame)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--with-scheduler/--without-scheduler", default=True, show_default=True)
@with_appcontext
def worker_command(burst: bool, with_scheduler: bool) -> None:
    """Run an RQ worker with the application context."""
    app = app_ctx.app  # the Flask object itself: the scheduler thread has no context
    queue = app.extensions["foyer.queue"]
    if queue is None:
        raise click.ClickException("REDIS_URL is not set: jobs already run in-process.")
    if not burst:  # every worker keeps the schedule; Redis keys make each run happen once
        Scheduler(app, app.extensions["foyer.recurring"]).start()
    while True:
        worker = StopAwareWorker([queue], connection=queue.connection)
        try:
            worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="INFO")
        except RedisError as exc:  # its teardown could not reach Redis either
            log.warning("worker %s lost Redis: %s", worker.name, exc)
            _stop_pubsub(worker)
        if burst or worker.stop_requested:
            return
        log.warning("worker %s ended without a stop request; a new one starts", worker.name)
        # A stop signal while waiting ends the process at once, as it would have.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _wait_for_redis(queue.connection)


def _stop_pubsub(worker: Worker) -> None:
    """The part of RQ's teardown that comes after the Redis call that failed."""
    thread = worker.pubsub_thread
    if thread is not None:
        thread.stop()
        thread.join(timeout=1)
    if worker.pubsub is not None:
        with contextlib.suppress(Exception):  # best effort: Redis is gone
            worker.pubsub.close()


def _wait_for_redis(connection: Redis) -> None:
    for attempt in itertools.count():
        time.sleep(RESTART_DELAYS[min(attempt, len(RESTART_DELAYS) - 1)])
        try:
            connection.ping()
            return
        except RedisError as exc:
            log.warning("Redis still unreachable: %s", exc)
