"""Demo data: conversations, requests and services for the demo firm, so `foyer demo` shows a
living portal. Sends nothing (no notifications)."""

from __future__ import annotations

from portal.clients import directory
from portal.clients.models import ClientAccount, Contact
from portal.core.extensions import db
from portal.messaging.models import ClientRequest, RequestStatus, Side, Thread
from portal.messaging.requests import add_service, request_types
from portal.messaging.threads import Person, post_message, start_thread
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

DEMO_ACCOUNT = "Jones Household"
DEMO_CONTACT = "jane.jones@demo-client.example"
SERVICES = (
    ("Tax return preparation", "Federal and state returns for individuals and households."),
    ("Bookkeeping", "Monthly reconciliation and reports for small businesses."),
    ("Payroll", "Pay runs, filings and year-end forms for up to 25 staff."),
)


def seed_conversations(tenant: TenantSnapshot, staff: Person) -> None:
    """Once per demo firm (nothing is added when it already has threads). The caller commits."""
    if db.session.scalar(owned(Thread, tenant).limit(1)) is not None:
        return
    account = db.session.scalar(
        owned(ClientAccount, tenant, ClientAccount.name == DEMO_ACCOUNT)
    ) or directory.create_account(tenant.id, DEMO_ACCOUNT, "household")
    db.session.flush()
    contact: Contact | None = directory.find_contact_by_email(tenant.id, DEMO_CONTACT)
    if contact is None:
        contact = directory.add_contact(tenant.id, account, DEMO_CONTACT, "Jane Jones")
        db.session.flush()
    jane = Person(Side.CLIENT, contact.id, contact.display_name)
    for name, description in SERVICES:
        add_service(tenant, name, description)
    thread, _ = start_thread(
        tenant,
        account.id,
        staff,
        "Documents for your 2025 return",
        "Hi Jane, the checklist for this year is under Files. Questions? Just reply here.",
        notify_others=False,
    )
    post_message(
        tenant, thread, jane, "Thanks! Do you also need the 1099-INT?", notify_others=False
    )
    types = {kind.name: kind for kind in request_types(tenant)}
    for subject, details, kind, status in (
        (
            "Letter for the bank",
            "A comfort letter for our mortgage application.",
            "Document",
            RequestStatus.IN_PROGRESS,
        ),
        (
            "Change of address",
            "We moved to 12 Elm Street on 1 November.",
            "Information",
            RequestStatus.WAITING,
        ),
    ):
        request_thread, _ = start_thread(
            tenant, account.id, jane, subject, details, notify_others=False
        )
        db.session.add(
            ClientRequest(
                tenant_id=tenant.id,
                account_id=account.id,
                thread_id=request_thread.id,
                type_id=types[kind].id,
                subject=subject,
                details=details,
                status=status,
                created_by_contact_id=contact.id,
            )
        )
