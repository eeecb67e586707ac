"""Redis down or restarted: actions still commit, sign-in still works, mail goes out later.

The test app and its worker reach Redis through a fault proxy (`tests.fixtures.faults`), which
the tests close (connections reset and refused, as when Redis is down or restarting), and open
again. The outbox row is the truth: the worker's outbox sweep delivers what could not be queued.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

import pytest
from redis import Redis
from sqlalchemy import select

from jobs.queue import enqueue
from portal.core.extensions import db
from portal.core.ratelimit import hit
from portal.mail.models import OutboxMessage, OutboxStatus
from tests.faults.jobs import hold_the_worker
from tests.fixtures.people import sign_in_staff, tenant_host
from tests.fixtures.services import REDIS_URL
from tests.fixtures.tenants import HostClient

ALARMING = ("error", "redis", "went wrong", "try again", "unavailable", "could not")


def new_client(owner: HostClient, email: str) -> str:
    """Create a client with "Send the invitation now"; returns the page it lands on."""
    data = {
        "account_name": f"Account of {email}",
        "kind": "household",
        "contact_name": "",
        "email": email,
        "personal_message": "",
        "login": "y",
        "send_invite": "y",
    }
    started = time.monotonic()
    response = owner.submit("/admin/clients/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert time.monotonic() - started < 5, "the page does not wait for Redis"
    page = owner.get(response.headers["Location"])
    assert page.status_code == 200
    return page.get_data(as_text=True)


def outbox_rows(to: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == to)))


def eventually(check: Callable[[], object], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"not within {within} s: {what}"
        time.sleep(0.1)


def flashes(html: str) -> str:
    """The text of the page's flash messages (the rest of the page is the usual page)."""
    return " ".join(re.findall(r'<p class="flash"[^>]*>(.*?)</p>', html, re.S)).lower()


def test_with_redis_down_sign_in_works_and_an_invitation_commits(
    proxied_app, redis_proxy, owner, smtp, caplog, monkeypatch
):
    # Alembic's fileConfig (the test session migrates in-process) disables existing loggers.
    for name in ("portal.core.ratelimit", "jobs.queue"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
    caplog.set_level(logging.WARNING)
    redis_proxy.close()

    sign_in_staff(owner, "owner@acme.example")  # the rate limiter falls back: no 500
    wrong = owner.submit("/sign-in", {"email": "nobody@client.example", "password": "x" * 12})
    assert wrong.status_code in {200, 422}, wrong.status_code
    page = new_client(owner, "down@client.example")

    assert "Client account Account of down@client.example created." in page
    assert not any(word in flashes(page) for word in ALARMING), flashes(page)
    [row] = outbox_rows("down@client.example")
    assert row.status == OutboxStatus.QUEUED
    assert smtp.messages == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("rate limits: Redis unreachable" in w for w in warnings), warnings
    assert any("not queued" in w for w in warnings), warnings


def test_with_redis_down_a_client_can_sign_up(proxied_app, redis_proxy, tenant, smtp):
    tenant.signup_mode = "open"
    db.session.commit()
    redis_proxy.close()
    visitor = proxied_app.test_client(host=tenant_host(tenant))
    password = "violet summit canoe 27"
    data = {"name": "Sam Lee", "email": "sam@client.example", "password": password}
    response = visitor.submit("/sign-up", {**data, "confirm": password})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-up/verify"
    assert "We sent a 6-digit code" in visitor.get("/sign-up/verify").get_data(as_text=True)
    [row] = outbox_rows("sam@client.example")
    assert row.status == OutboxStatus.QUEUED, "the code email waits for the sweep"


def test_rate_limits_still_count_while_redis_is_down(proxied_app, redis_proxy, tenant, staff):
    redis_proxy.close()
    client = proxied_app.test_client(host=tenant_host(tenant))
    statuses = []
    for _ in range(21):  # the per-account limit is 20 per 15 minutes
        response = client.submit("/admin/sign-in", {"email": staff.email, "password": "wrong" * 3})
        statuses.append(response.status_code)
    assert 500 not in statuses
    assert statuses[-1] == 429, statuses


def test_rate_limits_go_back_to_redis_once_it_answers(proxied_app, redis_proxy, redis_prefix):
    proxied_app.extensions["foyer.limiter"].fallback_seconds = 0.3  # RATELIMIT_FALLBACK_SECONDS
    redis_proxy.close()
    assert hit("5/minute", "probe", "a") is None  # counted in this process
    redis_proxy.open()
    time.sleep(0.4)
    assert hit("5/minute", "probe", "a") is None  # counted in Redis again
    client = Redis.from_url(REDIS_URL)
    try:
        assert list(client.scan_iter(match=f"{redis_prefix}limits*probe*")), "shared again"
    finally:
        client.close()


@pytest.mark.slow
def test_mail_queued_while_redis_was_down_goes_out_once_it_is_back(
    proxied_app, redis_proxy, owner, smtp, start_proxied_worker
):
    redis_proxy.close()
    sign_in_staff(owner, "owner@acme.example")
    new_client(owner, "later@client.example")
    assert outbox_rows("later@client.example")[0].status == OutboxStatus.QUEUED

    redis_proxy.open()
    start_proxied_worker(proxied_app)
    delivered = smtp.wait_for(1, to="later@client.example", timeout=20)
    assert len(delivered) == 1
    eventually(
        lambda: outbox_rows("later@client.example")[0].status == OutboxStatus.SENT,
        within=5,
        what="the row is marked sent",
    )


@pytest.mark.slow
def test_web_and_worker_reconnect_after_a_redis_restart(
    proxied_app, redis_proxy, owner, smtp, start_proxied_worker
):
    worker = start_proxied_worker(proxied_app)
    sign_in_staff(owner, "owner@acme.example")
    new_client(owner, "before@client.example")
    assert len(smtp.wait_for(1, to="before@client.example", timeout=20)) == 1

    redis_proxy.close()  # Redis restarts: every connection is cut, new ones are refused
    time.sleep(1)
    new_client(owner, "during@client.example")
    redis_proxy.open()

    new_client(owner, "after@client.example")  # the web process reconnects by itself
    assert len(smtp.wait_for(1, to="after@client.example", timeout=20)) == 1
    assert len(smtp.wait_for(1, to="during@client.example", timeout=20)) == 1
    assert worker.poll() is None, "the worker is still running"
    assert len([m for m in smtp.messages if "before@client.example" in str(m["To"])]) == 1


@pytest.mark.slow
def test_worker_that_loses_redis_while_busy_starts_again_by_itself(
    proxied_app, redis_proxy, owner, smtp, start_proxied_worker, tmp_path
):
    # RQ's own loop quits on a Redis error outside its dequeue (marking a job done, heartbeats);
    # `foyer worker` then starts a new RQ worker once Redis answers again.
    worker = start_proxied_worker(proxied_app)
    marker = tmp_path / "started"
    assert enqueue(hold_the_worker, str(marker), 1.5)
    eventually(marker.exists, within=15, what="the worker runs the job")
    redis_proxy.close()  # while the job runs: the worker's own Redis calls fail after it
    time.sleep(3)
    redis_proxy.open()

    sign_in_staff(owner, "owner@acme.example")
    new_client(owner, "again@client.example")
    assert len(smtp.wait_for(1, to="again@client.example", timeout=25)) == 1
    assert worker.poll() is None, "the worker process is still running"
    log = (tmp_path / "worker-0.log").read_text()
    assert "ended without a stop request; a new one starts" in log, "RQ's loop quit, as it does"


@pytest.mark.slow
def test_with_redis_silent_sign_in_still_answers_in_bounded_time(proxied_app, redis_proxy, owner):
    redis_proxy.silent()  # connections are accepted and never answered
    started = time.monotonic()
    sign_in_staff(owner, "owner@acme.example")
    assert time.monotonic() - started < 15
