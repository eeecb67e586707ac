"""Outbox delivery jobs: batches of messages per job, retries with back-off, a safety sweep."""

from __future__ import annotations

import logging

from flask import current_app

from jobs import enqueue, recurring_job_id
from jobs.context import job
from portal.mail.delivery import deliver, due_message_ids

log = logging.getLogger(__name__)
SWEEP_INTERVAL = 60


def enqueue_delivery(ids: list[int]) -> None:
    size = current_app.config["OUTBOX_BATCH_SIZE"]
    for start in range(0, len(ids), size):
        enqueue(deliver_outbox, ids[start : start + size])


@job
def deliver_outbox(ids: list[int]) -> dict[str, int]:
    report = deliver(ids)
    for delay, retry_ids in report.retry.items():
        enqueue(deliver_outbox, retry_ids, delay=delay)
    log.info(
        "outbox batch: %d sent, %d to retry, %d failed",
        len(report.sent),
        sum(len(v) for v in report.retry.values()),
        len(report.failed),
    )
    return {"sent": len(report.sent), "failed": len(report.failed)}


@job
def sweep_outbox(reschedule: bool = True) -> int:
    """Re-deliver rows whose job was lost (worker killed, Redis flushed); runs every minute."""
    ids = due_message_ids(limit=10_000)
    if ids:
        enqueue_delivery(ids)
    if reschedule:
        enqueue(sweep_outbox, True, job_id=recurring_job_id("sweep-outbox"), delay=SWEEP_INTERVAL)
    return len(ids)
