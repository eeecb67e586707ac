"""The 'Pending activation' list: contacts with portal access who have not activated yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select

from portal.clients.invitations import latest_invitation
from portal.clients.models import AccountContact, ClientAccount, Contact, Invitation
from portal.clients.status import invitation_expired
from portal.core.emails import normalize_email
from portal.core.errors import UserError
from portal.core.extensions import db


@dataclass(frozen=True)
class PendingRow:
    contact: Contact
    accounts: list[str]
    invitation: Invitation | None
    email_problem: str | None

    @property
    def sent_at(self) -> datetime | None:
        return (
            self.invitation.last_sent_at
            if self.invitation and not self.invitation.cancelled_at
            else None
        )

    @property
    def send_count(self) -> int:
        return (
            self.invitation.send_count
            if self.invitation and not self.invitation.cancelled_at
            else 0
        )

    @property
    def expired(self) -> bool:
        return invitation_expired(self.invitation)


def pending_rows(tenant_id: int, sort: str = "sent_desc") -> list[PendingRow]:
    rows = db.session.execute(
        select(Contact, ClientAccount.name)
        .join(
            AccountContact,
            and_(
                AccountContact.tenant_id == Contact.tenant_id,
                AccountContact.contact_id == Contact.id,
            ),
        )
        .join(
            ClientAccount,
            and_(
                ClientAccount.tenant_id == AccountContact.tenant_id,
                ClientAccount.id == AccountContact.account_id,
            ),
        )
        .where(
            Contact.tenant_id == tenant_id,
            Contact.activated_at.is_(None),
            AccountContact.login_enabled.is_(True),
        )
        .order_by(Contact.id, ClientAccount.name)
    ).all()
    grouped: dict[int, tuple[Contact, list[str]]] = {}
    for contact, account_name in rows:
        grouped.setdefault(contact.id, (contact, []))[1].append(account_name)
    result = [
        PendingRow(
            contact, names, latest_invitation(tenant_id, contact.id), _email_problem(contact)
        )
        for contact, names in grouped.values()
    ]
    never = datetime.min
    result.sort(key=lambda row: row.sent_at or never, reverse=(sort != "sent_asc"))
    return result


def _email_problem(contact: Contact) -> str | None:
    if contact.email_problem:
        return contact.email_problem
    try:
        normalize_email(contact.email)
    except UserError:
        return "Invalid address"
    return None
