"""The same flow with real Redis and a `foyer worker` process: the request email, the upload
by link, and the reminder job all go through the queue."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from jobs.queue import enqueue
from portal.clients import directory
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.documents.models import DocumentRequest, RequestUpload
from portal.notifications.models import Notification
from tests.documents.helpers import PDF, act_links_in, path_of, request_documents, upload_form
from tests.fixtures.people import sign_in_staff, tenant_host
from tests.fixtures.smtp import text_of


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_request_upload_and_reminder_through_the_worker(
    tenant, staff, smtp, redis_app, start_worker
):
    firm = redis_app.test_client(host=tenant_host(tenant))
    sign_in_staff(firm, staff.email)
    account = directory.create_account(tenant.id, "Worker Household", "household")
    db.session.flush()
    directory.add_contact(tenant.id, account, "walt@client.example", "Walt", login=False)
    db.session.commit()
    start_worker(redis_app)

    due = utcnow().date()  # due today: the reminder job has a due-day reminder to send
    assert request_documents(firm, account.id, ("2025 W-2", "", due)).status_code == 302
    [mail] = smtp.wait_for(1, to="walt@client.example", timeout=60)
    [link] = act_links_in(text_of(mail))

    visitor = redis_app.test_client(host=tenant_host(tenant))
    assert upload_form(visitor, path_of(link), "w2.pdf", PDF).status_code == 302
    db.session.expire_all()
    document = db.session.scalars(select(DocumentRequest)).one()
    assert document.status == "uploaded"
    assert (
        db.session.scalars(select(Notification).where(Notification.kind == "document.uploaded"))
        .one()
        .recipient_id
        == staff.id
    )
    upload = db.session.scalars(select(RequestUpload)).one()
    download = firm.get(f"/admin/documents/uploads/{upload.id}")
    assert hashlib.sha256(download.data).hexdigest() == hashlib.sha256(PDF).hexdigest()

    document.status = "reopened"  # waiting for the client again: the due-day reminder is due
    db.session.commit()
    assert enqueue("send_document_reminders")
    reminders = [
        m
        for m in smtp.wait_for(2, to="walt@client.example", timeout=60)
        if "Reminder" in m["Subject"]
    ]
    assert len(reminders) == 1 and "2025 W-2" in reminders[0]["Subject"]
