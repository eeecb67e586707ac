"""Outbox delivery jobs: batches of messages per job, retries with back-off, a safety sweep."""

from __future__ import annotations

import logging

from jobs.context import job
from jobs.queue import enqueue
from portal.mail.delivery import deliver, due_message_ids, enqueue_delivery

log = logging.getLogger(__name__)


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
def sweep_outbox() -> int:
    """Re-deliver rows whose job was lost (worker killed, Redis flushed); runs every minute."""
    ids = due_message_ids(limit=10_000)
    if ids:
        enqueue_delivery(ids)
    return len(ids)
