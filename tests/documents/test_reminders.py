"""Reminder emails go N days before the due date (the firm's setting) and on it, once each, and
never for a request the client already answered."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from jobs.documents import send_document_reminders
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.documents.models import DocumentRequest
from portal.documents.reminders import send_reminders
from tenants.models import Tenant
from tenants.resolution import forget_tenants
from tests.documents.helpers import act_links_in, request_documents
from tests.fixtures.smtp import text_of


def _at(day) -> datetime:  # type: ignore[no-untyped-def]
    return datetime.combine(day, time(9, 0))


def test_reminders_before_and_on_the_due_date_once_each(firm, tenant, smtp, create_client):
    db.session.get(Tenant, tenant.id).document_reminder_days = 4
    db.session.commit()
    forget_tenants()
    account_id = create_client("walt@client.example", invite=False, login=False)
    today = utcnow().date()
    due = today + timedelta(days=10)
    request_documents(firm, account_id, ("2025 W-2", "", due), ("No due date", "", None))
    smtp.wait_for(1, to="walt@client.example")
    smtp.clear()

    assert send_reminders(_at(today)) == 0
    assert send_reminders(_at(due - timedelta(days=5))) == 0
    assert send_reminders(_at(due - timedelta(days=4))) == 1
    [early] = smtp.wait_for(1, to="walt@client.example")
    assert early["Subject"].startswith("Reminder from Acme Accounting")
    assert "2025 W-2" in early["Subject"] and "No due date" not in text_of(early)
    assert len(act_links_in(text_of(early))) == 1  # a fresh upload link
    assert send_reminders(_at(due - timedelta(days=4))) == 0  # once
    assert send_reminders(_at(due - timedelta(days=1))) == 0
    assert send_reminders(_at(due)) == 1
    smtp.wait_for(2, to="walt@client.example")
    assert send_reminders(_at(due)) == 0
    assert send_reminders(_at(due + timedelta(days=1))) == 0
    assert len(smtp.messages) == 2


def test_no_reminder_once_uploaded_and_a_missed_due_day_is_caught_up(
    firm, tenant, smtp, create_client
):
    account_id = create_client("walt@client.example", invite=False, login=False)
    today = utcnow().date()
    due = today + timedelta(days=2)  # inside the 3-day window: the request email was the early one
    request_documents(firm, account_id, ("Answered", "", due), ("Forgotten", "", due))
    smtp.wait_for(1, to="walt@client.example")
    smtp.clear()
    answered = db.session.scalars(
        select(DocumentRequest).where(DocumentRequest.title == "Answered")
    ).one()
    answered.status = "uploaded"
    db.session.commit()

    assert send_reminders(_at(today + timedelta(days=1))) == 0
    assert send_document_reminders() == 0  # the job entry point, at the real time
    assert send_reminders(_at(due + timedelta(days=1))) == 1  # the due day was missed
    [mail] = smtp.wait_for(1)
    assert "Forgotten" in mail["Subject"]
    assert send_reminders(_at(due + timedelta(days=1))) == 0
