"""Demo data: a client account of the demo firm with a couple of document requests."""

from __future__ import annotations

from datetime import timedelta

from portal.clients import directory
from portal.clients.models import ClientAccount
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.documents.models import DocumentRequest, RequestStatus
from tenants.scoping import owned

DEMO_ACCOUNT = "Jones Household"
DEMO_CONTACT = "jane.jones@demo-client.example"


def seed_document_requests(tenant_id: int, staff_id: int) -> None:
    """Once per demo firm (nothing is added when it already has requests); sends no email.
    The caller commits."""
    if db.session.scalar(owned(DocumentRequest, tenant_id).limit(1)) is not None:
        return
    account = db.session.scalar(
        owned(ClientAccount, tenant_id).where(ClientAccount.name == DEMO_ACCOUNT)
    ) or directory.create_account(tenant_id, DEMO_ACCOUNT, "household")
    db.session.flush()
    if directory.find_contact_by_email(tenant_id, DEMO_CONTACT) is None:
        directory.add_contact(tenant_id, account, DEMO_CONTACT, "Jane Jones", login=False)
    today = utcnow().date()
    db.session.add_all(
        DocumentRequest(
            tenant_id=tenant_id,
            account_id=account.id,
            title=title,
            notes=notes,
            due_date=today + timedelta(days=days),
            status=RequestStatus.REQUESTED,
            requested_by_id=staff_id,
            review_comment="",
        )
        for title, notes, days in (
            ("2025 W-2", "From each employer you had in 2025.", 14),
            ("Signed engagement letter", "Sign page 3 and upload a scan or photo.", 5),
        )
    )
