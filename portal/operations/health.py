"""Platform health for the operator: RQ queue lengths, failed jobs (retry or discard), worker
heartbeats, the outbox backlog, bounces, failing DNS checks and disk used by uploads.

Read from Redis and the database on demand; nothing here is cached or stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry
from sqlalchemy import func, select

from jobs.queue import queue_name
from portal.clients.models import Invitation
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.storage import storage
from portal.mail.models import OutboxMessage, OutboxStatus
from portal.maildomains.models import MailDomain, MailDomainStatus
from tenants.models import Domain, DomainStatus

FAILED_SHOWN = 50


@dataclass
class QueueState:
    name: str
    queued: int
    failed: int


@dataclass
class FailedJob:
    id: str
    queue: str
    function: str
    error: str
    ended_at: datetime | None


@dataclass
class WorkerState:
    name: str
    state: str
    queues: list[str]
    last_heartbeat: datetime | None


@dataclass
class Health:
    redis: str
    queues: list[QueueState]
    failed: list[FailedJob]
    workers: list[WorkerState]
    outbox_backlog: int
    oldest_unsent: datetime | None
    outbox_failed: int
    bounces: int
    failing_domains: int
    failing_mail_domains: int
    upload_bytes: int | None


def _redis() -> Redis | None:
    return current_app.extensions.get("foyer.redis")


def queues(redis: Redis) -> list[Queue]:
    """The platform's queues: the default one and any other under the key prefix."""
    prefix = current_app.config["REDIS_KEY_PREFIX"]
    found = {q.name: q for q in Queue.all(connection=redis) if q.name.startswith(prefix)}
    name = queue_name(current_app)
    found.setdefault(name, Queue(name, connection=redis))
    return [found[key] for key in sorted(found)]


def failed_jobs(redis: Redis, limit: int = FAILED_SHOWN) -> list[FailedJob]:
    jobs: list[FailedJob] = []
    for queue in queues(redis):
        registry = FailedJobRegistry(queue=queue)
        ids = registry.get_job_ids(0, limit - 1)
        for job in Job.fetch_many(ids, connection=redis):
            if job is None:
                continue
            result = job.latest_result()
            error = (result.exc_string if result is not None else None) or job.exc_info or ""
            jobs.append(
                FailedJob(
                    job.id, queue.name, job.func_name or "?", error.strip()[-2000:], job.ended_at
                )
            )
    return jobs[:limit]


def _failed_job(job_id: str) -> tuple[Job, Queue]:
    redis = _redis()
    if redis is None:
        raise UserError("Jobs run in-process: there is no failed-job registry.", "job")
    for queue in queues(redis):
        if job_id in FailedJobRegistry(queue=queue).get_job_ids():
            try:
                return Job.fetch(job_id, connection=redis), queue
            except NoSuchJobError:
                break
    raise UserError("No failed job with this id.", "job")


def retry_job(job_id: str) -> None:
    """Put a failed job back on its queue."""
    job, queue = _failed_job(job_id)
    FailedJobRegistry(queue=queue).requeue(job)


def discard_job(job_id: str) -> None:
    """Forget a failed job for good."""
    job, queue = _failed_job(job_id)
    FailedJobRegistry(queue=queue).remove(job, delete_job=True)


def platform_health() -> Health:
    redis = _redis()
    redis_state = "not configured"
    queue_states: list[QueueState] = []
    failed: list[FailedJob] = []
    workers: list[WorkerState] = []
    if redis is not None:
        try:
            for queue in queues(redis):
                queue_states.append(
                    QueueState(queue.name, queue.count, FailedJobRegistry(queue=queue).count)
                )
            failed = failed_jobs(redis)
            workers = [
                WorkerState(w.name, str(w.get_state()), w.queue_names(), w.last_heartbeat)
                for w in Worker.all(connection=redis)
            ]
            redis_state = "ok"
        except (RedisError, OSError):
            redis_state = "down"
    unsent = [OutboxStatus.QUEUED, OutboxStatus.SENDING]
    backlog, oldest = db.session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status.in_(unsent)
        )
    ).one()
    return Health(
        redis=redis_state,
        queues=queue_states,
        failed=failed,
        workers=workers,
        outbox_backlog=backlog,
        oldest_unsent=oldest,
        outbox_failed=_count(OutboxMessage, OutboxMessage.status == OutboxStatus.FAILED),
        bounces=_count(Invitation, Invitation.bounced_at.is_not(None)),
        failing_domains=_count(Domain, Domain.status == DomainStatus.FAILED),
        failing_mail_domains=_count(MailDomain, MailDomain.status == MailDomainStatus.FAILING),
        upload_bytes=storage().usage(),
    )


def _count(model: type[Any], criterion: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).where(criterion)) or 0)
