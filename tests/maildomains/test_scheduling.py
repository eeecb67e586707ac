"""Checks schedule themselves on RQ: backoff while pending, daily once verified."""

from __future__ import annotations

import pytest

from jobs.mail_domains import check_mail_domain
from tests.fixtures.services import REDIS_URL
from tests.maildomains.conftest import domain_row, publish


@pytest.fixture
def queued_app(app, make_app, redis_prefix):  # type: ignore[no-untyped-def]
    queued = make_app(
        REDIS_URL=REDIS_URL,
        REDIS_KEY_PREFIX=redis_prefix,
        MAIL_DOMAIN_AUTO_RECHECK=True,
        MAIL_DOMAIN_PENDING_CHECK_DELAYS="60,600,3600",
    )
    with queued.app_context():
        yield queued


def _scheduled(queued_app) -> list[tuple]:  # type: ignore[no-untyped-def]
    queue = queued_app.extensions["foyer.queue"]
    registry = queue.scheduled_job_registry
    return [queue.fetch_job(job_id).args for job_id in registry.get_job_ids()]


def test_checks_back_off_while_pending_then_run_daily(
    app, firm, tenant, dns, add_domain, queued_app
):
    add_domain()
    row = domain_row(tenant.id)
    assert check_mail_domain(tenant.id, row.id) == "pending"
    first = domain_row(tenant.id).next_check_at
    assert check_mail_domain(tenant.id, row.id) == "pending"
    second = domain_row(tenant.id).next_check_at
    assert (second - first).total_seconds() > 500, "the second wait is longer (backoff)"
    jobs = _scheduled(queued_app)
    assert (tenant.id, row.id, second.isoformat()) in jobs
    stale = (tenant.id, row.id, first.isoformat())
    assert check_mail_domain(*stale) == "superseded", "an older schedule does nothing"

    publish(dns, row, app)
    assert check_mail_domain(tenant.id, row.id, second.isoformat()) == "verified"
    row = domain_row(tenant.id)
    assert 86000 < (row.next_check_at - row.last_checked_at).total_seconds() <= 86400


def test_verify_now_goes_through_the_queue_with_redis(app, firm, tenant, add_domain, queued_app):
    add_domain()
    staff = queued_app.test_client(host=firm.host)
    for cookie in firm._cookies.values():
        staff._cookies[(cookie.domain, cookie.path, cookie.key)] = cookie
    response = staff.submit(
        "/admin/settings/email-domain/", {}, action="/admin/settings/email-domain/verify"
    )
    assert response.status_code == 302
    queue = queued_app.extensions["foyer.queue"]
    assert queue.count == 1
    assert domain_row(tenant.id).last_checked_at is None, "queued, not run in the request"
