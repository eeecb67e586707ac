"""Platform health: queue lengths and failed jobs from a real RQ queue on Redis, retry puts a
job back on its queue, discard removes it; outbox backlog and disk use are shown."""

from __future__ import annotations

from rq import SimpleWorker
from rq.registry import FailedJobRegistry

from portal.core.extensions import db
from portal.core.storage import storage
from portal.mail.models import OutboxMessage
from tests.fixtures.tenants import PLATFORM_DOMAIN
from tests.operations.conftest import signed_in_operator
from tests.operations.failing_job import MARKER, always_fails


def failed_job_id(redis_app) -> str:  # type: ignore[no-untyped-def]
    queue = redis_app.extensions["foyer.queue"]
    job = queue.enqueue(always_fails, "first")
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert job.id in FailedJobRegistry(queue=queue).get_job_ids()
    return job.id


def test_health_page_lists_queues_and_failed_jobs_then_retry_and_discard(
    redis_app, make_operator, tenant
):
    console = signed_in_operator(redis_app.test_client(host=PLATFORM_DOMAIN), make_operator())
    queue = redis_app.extensions["foyer.queue"]
    job_id = failed_job_id(redis_app)
    queue.enqueue(always_fails, "waiting")  # stays queued: no worker runs now

    page = console.get("/operator/health/").get_data(as_text=True)
    assert queue.name in page
    assert MARKER in page and "always_fails" in page and job_id in page
    assert "Retry" in page and "Discard" in page

    response = console.submit("/operator/health/", {"job": job_id}, action="/operator/health/retry")
    assert response.status_code == 302
    assert job_id in queue.get_job_ids() and queue.count == 2
    assert job_id not in FailedJobRegistry(queue=queue).get_job_ids()

    SimpleWorker([queue], connection=queue.connection).work(burst=True)  # both fail again
    assert job_id in FailedJobRegistry(queue=queue).get_job_ids()
    response = console.submit(
        "/operator/health/", {"job": job_id}, action="/operator/health/discard"
    )
    assert response.status_code == 302
    assert job_id not in FailedJobRegistry(queue=queue).get_job_ids()
    assert job_id not in console.get("/operator/health/").get_data(as_text=True)


def test_health_page_shows_outbox_backlog_and_disk_use(console, tenant):
    db.session.add(
        OutboxMessage(
            tenant_id=tenant.id,
            kind="invitation",
            to_address="ann@alpha.example",
            from_address="Acme <no-reply@foyer.example>",
            subject="Welcome",
            text_body="Hi",
            html_body="",
            message_id="<1@foyer.example>",
        )
    )
    db.session.commit()
    storage().put("tenants/1/files/disk-probe", b"x" * 2048)
    page = console.get("/operator/health/").get_data(as_text=True)
    assert "Outbox backlog</dt><dd>1 (oldest unsent" in page
    assert "2.0 kB" in page
    assert "No queues: jobs run in-process." in page
