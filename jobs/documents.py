"""Job entry points for document requests: reminder emails before and on the due date."""

from __future__ import annotations

from jobs.context import job
from portal.documents.reminders import send_reminders


@job
def send_document_reminders() -> int:
    return send_reminders()
