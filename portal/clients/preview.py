"""Preview as client: a staff member sees the portal as one contact sees it, read-only.

The preview lives in the staff member's own session (it ends when they sign out or their
session ends); the contact's password, sessions and rows are never touched. While it runs,
portal pages load the contact detached from the database session and refuse every write
(see portal/web/previewing.py). Starting and ending are audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import session

from portal.audit.service import Outcome, record
from portal.clients.directory import accessible_accounts
from portal.clients.models import ClientAccount, Contact
from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.scoping import get_owned
from tenants.snapshot import TenantSnapshot

SESSION_KEY = "preview"
ACCOUNT_KEY = "account_id"  # the client session's current account (portal/web/session.py)


@dataclass(frozen=True, slots=True)
class Preview:
    contact: Contact
    name: str


def start(tenant: TenantSnapshot, staff_id: int, contact: Contact, account: ClientAccount) -> None:
    """Begin previewing `contact` in `account`; a UserError when they see no account yet."""
    accounts = accessible_accounts(tenant.id, contact.id)
    if not accounts:
        raise UserError(
            f"{contact.display_name} has no portal access yet: turn their login on first."
        )
    chosen = account.id if any(a.id == account.id for a in accounts) else accounts[0].id
    session[SESSION_KEY] = {"staff_id": staff_id, "contact_id": contact.id}
    session[ACCOUNT_KEY] = chosen
    record(
        "preview.started",
        tenant=tenant,
        principal_kind="staff",
        principal_id=staff_id,
        outcome=Outcome.SUCCESS,
        detail=f"as contact {contact.id} in account {chosen}",
    )


def end(tenant: TenantSnapshot, staff_id: int) -> bool:
    """Stop the preview of this session; False when none was running."""
    state = session.pop(SESSION_KEY, None)
    session.pop(ACCOUNT_KEY, None)
    if not state:
        return False
    record(
        "preview.ended",
        tenant=tenant,
        principal_kind="staff",
        principal_id=staff_id,
        outcome=Outcome.SUCCESS,
        detail=f"as contact {state.get('contact_id')}",
    )
    return True


def active(tenant: TenantSnapshot, staff_id: int) -> Preview | None:
    """The running preview of this staff member's session, with the contact detached from the
    database session (nothing done to it can be saved); None (and forgotten) when stale."""
    state = session.get(SESSION_KEY)
    if not isinstance(state, dict) or state.get("staff_id") != staff_id:
        return None
    contact = get_owned(Contact, tenant, state.get("contact_id"))
    if contact is None or not accessible_accounts(tenant.id, contact.id):
        session.pop(SESSION_KEY, None)
        return None
    db.session.expunge(contact)
    return Preview(contact=contact, name=contact.display_name)


def is_previewing() -> bool:
    return SESSION_KEY in session
