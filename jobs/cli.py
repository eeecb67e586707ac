"""`foyer worker`: an RQ worker inside the application context, with the recurring schedule."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask.globals import app_ctx
from rq import Worker

from jobs.scheduler import Scheduler


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
    worker = Worker([queue], connection=queue.connection)
    worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="INFO")
