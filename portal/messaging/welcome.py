"""The firm's welcome message, delivered once per contact as the first message of a thread."""

from __future__ import annotations

from sqlalchemy import update

from portal.clients.models import Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.messaging.models import Side
from portal.messaging.threads import Person, start_thread
from tenants.snapshot import TenantSnapshot

WELCOME_SUBJECT = "Welcome"


def deliver_welcome(tenant: TenantSnapshot, contact_id: int, account_id: int) -> bool:
    """Claim the contact's welcome with one conditional UPDATE (two browsers signing in at the
    same moment: only one changes the row) and, for the winner, start the "Welcome" thread in
    the account they are looking at. The caller commits; True when this call delivered it."""
    claimed = db.session.execute(
        update(Contact)
        .where(
            Contact.tenant_id == tenant.id,
            Contact.id == contact_id,
            Contact.welcomed_at.is_(None),
        )
        .values(welcomed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return False
    text = tenant.welcome_message.strip()
    if text:
        firm = Person(Side.FIRM, None, tenant.portal_name or tenant.name)
        start_thread(tenant, account_id, firm, WELCOME_SUBJECT, text, notify_others=False)
    return True
