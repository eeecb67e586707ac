"""Reminder emails for document requests: N days before the due date (the firm's setting)
and on the due date, each once, only while the client still has something to do."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import select

from portal.clients.models import ClientAccount
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.documents import notices
from portal.documents.models import OPEN_FOR_CLIENT, DocumentRequest
from tenants.resolution import snapshot_by_id
from tenants.snapshot import TenantSnapshot

MAX_LEAD_DAYS = 30  # the setting's upper bound: no request further out can be due a reminder
CATCH_UP_DAYS = 1  # a run missed on the due day still sends that day's reminder the next day


def send_reminders(now: datetime | None = None) -> int:
    """Send every reminder due at `now` (default: the current time) across all firms, one
    email per contact and account listing that account's requests; returns the emails sent.
    Commits per firm."""
    now = now or utcnow()
    today = now.date()
    candidates = db.session.scalars(
        select(DocumentRequest)
        .where(
            DocumentRequest.status.in_(OPEN_FOR_CLIENT),
            DocumentRequest.due_date.is_not(None),
            DocumentRequest.due_date >= today - timedelta(days=CATCH_UP_DAYS),
            DocumentRequest.due_date <= today + timedelta(days=MAX_LEAD_DAYS),
            (DocumentRequest.reminded_before_at.is_(None))
            | (DocumentRequest.reminded_due_at.is_(None)),
        )
        .order_by(DocumentRequest.tenant_id, DocumentRequest.account_id, DocumentRequest.id)
    ).all()
    by_tenant: dict[int, list[DocumentRequest]] = defaultdict(list)
    for request in candidates:
        by_tenant[request.tenant_id].append(request)
    sent = 0
    for tenant_id, requests in by_tenant.items():
        tenant = snapshot_by_id(tenant_id)
        if tenant is not None:
            sent += _remind(tenant, requests, today, now)
            db.session.commit()
    return sent


def _remind(
    tenant: TenantSnapshot, requests: list[DocumentRequest], today: date, now: datetime
) -> int:
    due: dict[int, list[DocumentRequest]] = defaultdict(list)
    for request in requests:
        assert request.due_date is not None
        if request.due_date <= today and request.reminded_due_at is None:
            request.reminded_due_at = now
            request.reminded_before_at = request.reminded_before_at or now
            due[request.account_id].append(request)
        elif (
            request.reminded_before_at is None
            and (request.due_date - today).days <= tenant.document_reminder_days
        ):
            request.reminded_before_at = now
            due[request.account_id].append(request)
    sent = 0
    for account_id, items in due.items():
        account = db.session.get(ClientAccount, account_id)
        if account is not None and account.tenant_id == tenant.id:
            sent += notices.announce(tenant, account, items, notices.REMINDER_KIND)
    return sent
