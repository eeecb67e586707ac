"""Through real Redis and a real `foyer worker`: three notifications of a thread make one email
(one delayed job, deduplicated in Redis) and one decrypted push each; a viewer gets no email."""

from __future__ import annotations

import time

import pytest

from portal.core.extensions import db
from portal.notifications.preferences import PREVIEW, save_preferences
from portal.notifications.push import subscribe
from portal.notifications.service import Recipient, mark_viewing
from tenants.resolution import snapshot_by_id
from tests.fixtures.smtp import text_of
from tests.notifications.conftest import WINDOW


@pytest.mark.slow
def test_worker_groups_emails_and_sends_pushes(
    redis_app, tenant, staff, make_staff, send, smtp, push_service, start_worker, tmp_path
):
    me = Recipient("staff", staff.id)
    viewer = Recipient("staff", make_staff(tenant, "viewer@acme.example").id)
    snapshot = snapshot_by_id(tenant.id)
    subscribe(snapshot, me, push_service.subscription(), origin="", user_agent="")
    save_preferences(snapshot, me, {PREVIEW: "every"})
    db.session.commit()
    mark_viewing(snapshot, viewer, "thread:12")
    for number in range(3):
        send([me, viewer], title=f"Message {number}")
    queue = redis_app.extensions["foyer.queue"]
    assert len(queue.scheduled_job_registry) == 2  # one email job per person, not per message

    start_worker(redis_app)
    try:
        [mail] = smtp.wait_for(1, timeout=90)
    except AssertionError:
        print((tmp_path / "worker-0.log").read_text())
        raise
    assert mail["To"] == staff.email and mail["Subject"] == "Message 2 (+2 more)"
    assert "Message 0" in text_of(mail)
    deliveries = push_service.wait_for(3, timeout=90)
    assert sorted(d.payload["title"] for d in deliveries) == ["Message 0", "Message 1", "Message 2"]
    time.sleep(WINDOW + 2)
    assert len(smtp.messages) == 1  # the viewer got none
