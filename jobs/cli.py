from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from rq import Worker

from jobs import enqueue, recurring_job_id


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--with-scheduler/--without-scheduler", default=True, show_default=True)
@with_appcontext
def worker_command(burst: bool, with_scheduler: bool) -> None:
    """Run an RQ worker with the application context."""
    from jobs.mail import sweep_outbox
    from jobs.signups import purge_unverified_signups

    queue = current_app.extensions["foyer.queue"]
    if queue is None:
        raise click.ClickException("REDIS_URL is not set: jobs already run in-process.")
    if not burst:
        enqueue(sweep_outbox, True, job_id=recurring_job_id("sweep-outbox"), delay=5)
        enqueue(purge_unverified_signups, True, job_id=recurring_job_id("purge-signups"), delay=60)
    worker = Worker([queue], connection=queue.connection)
    worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="INFO")
