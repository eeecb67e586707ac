"""Outbox attachments: a temporary SMTP failure is retried with the PDF still attached; a
missing stored file waits for a retry instead of sending the email without it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from portal.billing.models import Invoice
from portal.core.extensions import db
from portal.core.storage import storage
from portal.mail.delivery import deliver
from portal.mail.models import OutboxAttachment, OutboxMessage, OutboxStatus
from tests.invoice_email.conftest import pdf_of, pdf_text, send_form


def test_retry_after_smtp_failure_keeps_the_attachment(
    firm: Any, smtp: Any, invoice: Callable[..., Invoice]
) -> None:
    sent = invoice(matter_email="a@x.example")
    smtp.handler.reject_with = "451 4.3.0 Try again later"
    response = send_form(firm, sent, to="a@x.example", cc="c@z.example")
    assert response.status_code == 302
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [row.status for row in rows] == [OutboxStatus.QUEUED, OutboxStatus.QUEUED]
    assert all("451" in (row.last_error or "") for row in rows)
    assert smtp.messages == []
    smtp.handler.reject_with = None
    report = deliver([row.id for row in rows])
    assert sorted(report.sent) == [row.id for row in rows]
    messages = smtp.wait_for(2)
    for message in messages:
        data = pdf_of(message)
        assert data.startswith(b"%PDF") and sent.number in pdf_text(data)
    assert len(db.session.scalars(select(OutboxAttachment)).all()) == 2  # one stored PDF
    assert len({a.storage_key for a in db.session.scalars(select(OutboxAttachment))}) == 1


def test_missing_stored_file_is_retried_not_sent_bare(
    firm: Any, smtp: Any, invoice: Callable[..., Invoice]
) -> None:
    sent = invoice(matter_email="a@x.example")
    smtp.handler.reject_with = "451 4.3.0 Try again later"
    send_form(firm, sent, to="a@x.example")
    smtp.handler.reject_with = None
    [row] = db.session.scalars(select(OutboxMessage)).all()
    [attachment] = db.session.scalars(select(OutboxAttachment)).all()
    saved = storage().get(attachment.storage_key)
    assert saved is not None
    storage().delete(attachment.storage_key)
    report = deliver([row.id])
    assert report.sent == [] and smtp.messages == []
    db.session.expire_all()
    assert row.status == OutboxStatus.QUEUED and "attachment missing" in (row.last_error or "")
    storage().put(attachment.storage_key, saved)
    assert deliver([row.id]).sent == [row.id]
    assert pdf_of(smtp.wait_for(1)[0]).startswith(b"%PDF")
