"""notify → in-app rows, unread counts, grouped emails, preferences, viewing, digests."""

from __future__ import annotations

import time

from sqlalchemy import select

from jobs.notifications import send_notification_digests
from portal.core.extensions import db
from portal.notifications.models import Notification
from portal.notifications.preferences import save_preferences
from portal.notifications.service import Recipient, mark_viewing, unread_count
from tenants.resolution import snapshot_by_id
from tests.fixtures.people import tenant_host
from tests.fixtures.smtp import html_of, text_of
from tests.notifications.conftest import WINDOW


def test_notify_saves_rows_and_counts_unread(app, tenant, staff, make_staff, send):
    other = make_staff(tenant, "off@acme.example")
    other.disabled_at = other.created_at
    db.session.commit()
    me = Recipient("staff", staff.id)
    send([me, Recipient("staff", other.id), Recipient("client", 999)])
    send([me], title="Second", group_key="thread:13")

    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(r.recipient_id, r.title) for r in rows] == [
        (staff.id, "New message from Ada Lovelace"),
        (staff.id, "Second"),
    ]
    assert unread_count(snapshot_by_id(tenant.id), me) == 2


def test_three_notifications_of_a_thread_make_one_email(app, tenant, staff, send, smtp):
    me = Recipient("staff", staff.id)
    for number in range(3):
        send([me], title=f"Message {number}", body=f"Body {number}")
    smtp.wait_for(1, timeout=WINDOW + 10)
    time.sleep(WINDOW + 0.5)  # the other two timers fire and find nothing left to send
    assert [m["Subject"] for m in smtp.messages] == ["Message 2 (+2 more)"]
    [mail] = smtp.messages
    assert mail["To"] == staff.email
    assert mail["Subject"] == "Message 2 (+2 more)"
    assert "Acme Accounting" in mail["From"]
    text = text_of(mail)
    for number in range(3):
        assert f"Message {number}" in text and f"Body {number}" in text
    assert f"https://{tenant_host(tenant)}/messages/12" in text
    assert f"https://{tenant_host(tenant)}/messages/12" in html_of(mail)
    notes = db.session.scalars(select(Notification.email_note)).all()
    assert notes == ["sent", "sent", "sent"]


def test_preference_off_and_viewing_send_no_email(app, tenant, staff, make_staff, send, smtp):
    viewer = make_staff(tenant, "viewer@acme.example")
    quiet = Recipient("staff", staff.id)
    save_preferences(snapshot_by_id(tenant.id), quiet, {"message.new": "off"})
    db.session.commit()
    mark_viewing(snapshot_by_id(tenant.id), Recipient("staff", viewer.id), "thread:12")
    db.session.commit()
    send([quiet, Recipient("staff", viewer.id)])
    time.sleep(WINDOW + 1.5)
    assert smtp.messages == []
    db.session.expire_all()
    notes = {r.recipient_id: r.email_note for r in db.session.scalars(select(Notification))}
    assert notes == {staff.id: "preference off", viewer.id: "viewing"}


def test_daily_digest_collects_unread(app, tenant, staff, send, smtp):
    me = Recipient("staff", staff.id)
    save_preferences(snapshot_by_id(tenant.id), me, {"message.new": "digest"})
    db.session.commit()
    send([me], title="First thread", group_key="thread:1")
    send([me], title="Second thread", group_key="thread:2")
    time.sleep(WINDOW + 1.5)
    assert smtp.messages == []
    assert send_notification_digests() == 1
    [mail] = smtp.wait_for(1)
    assert "2 updates waiting" in mail["Subject"]
    assert "First thread" in text_of(mail) and "Second thread" in text_of(mail)
    assert send_notification_digests() == 0


def test_read_before_the_window_ends_means_no_email(app, tenant, staff, send, smtp):
    from portal.notifications.service import mark_group_read

    me = Recipient("staff", staff.id)
    send([me])
    mark_group_read(snapshot_by_id(tenant.id), me, "thread:12")
    db.session.commit()
    assert unread_count(snapshot_by_id(tenant.id), me) == 0
    time.sleep(WINDOW + 1.5)
    assert smtp.messages == []
    db.session.expire_all()
    assert db.session.scalars(select(Notification.email_note)).all() == ["read in app"]


def test_client_email_links_to_the_portal(app, tenant, portal_client, send, smtp):
    send([Recipient("client", portal_client.contact_id)], title="Sam replied", path="/messages/3")
    [mail] = smtp.wait_for(1, to="jane@client.example", timeout=WINDOW + 10)
    text = text_of(mail)
    assert mail["Subject"] == "Sam replied"
    assert text.startswith("Hello Jane Jones,")
    assert f"https://{tenant_host(tenant)}/messages/3" in text
    assert f"https://{tenant_host(tenant)}/notifications/preferences" in text


def test_sweep_sends_groups_whose_job_was_lost(app, tenant, staff, smtp):
    from datetime import timedelta

    from jobs.notifications import sweep_notification_emails
    from portal.core.database import utcnow

    db.session.add(
        Notification(
            tenant_id=tenant.id,
            recipient_kind="staff",
            recipient_id=staff.id,
            kind="request.new",
            title="Lost request",
            path="/admin/",
            group_key="request:9",
            created_at=utcnow() - timedelta(hours=1),
        )
    )
    db.session.commit()
    assert sweep_notification_emails() == 1
    [mail] = smtp.wait_for(1)
    assert mail["Subject"] == "Lost request"
    assert sweep_notification_emails() == 0


def test_viewing_a_thread_reads_its_notifications(app, tenant, staff, send):
    me = Recipient("staff", staff.id)
    send([me])
    send([me], group_key="thread:99")
    mark_viewing(snapshot_by_id(tenant.id), me, "thread:12")
    db.session.commit()
    assert unread_count(snapshot_by_id(tenant.id), me) == 1
