"""Outbox delivery jobs: batches of messages per job, retries with back-off, a safety sweep."""

from __future__ import annotations

import logging

from flask import current_app

from jobs.context import job
from jobs.queue import enqueue
from portal.clients.invitations import record_bounces
from portal.core.extensions import db
from portal.mail.delivery import deliver, due_message_ids, enqueue_delivery

log = logging.getLogger(__name__)


@job
def deliver_outbox(ids: list[int]) -> dict[str, int]:
    report = deliver(ids)
    if report.bounced:  # refused for good: staff see "Bounced" and the address is flagged
        record_bounces(report.bounced)
        db.session.commit()
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
    ids = due_message_ids(
        limit=10_000, grace_seconds=int(current_app.config["OUTBOX_SWEEP_GRACE_SECONDS"])
    )
    if ids:
        enqueue_delivery(ids)
    return len(ids)
