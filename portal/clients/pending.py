"""The 'Pending activation' list: contacts with portal access who have not activated yet."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select

from portal.clients.invitations import latest_invitations
from portal.clients.models import AccountContact, ClientAccount, Contact, Invitation
from portal.clients.status import invitation_expired
from portal.core.emails import normalize_email
from portal.core.errors import UserError
from portal.core.extensions import db


class PendingStatus(enum.StrEnum):
    NOT_INVITED = "Not invited"
    INVITED = "Invited"
    EXPIRED = "Expired"
    BOUNCED = "Bounced"
    CANCELLED = "Cancelled"


@dataclass(frozen=True)
class PendingRow:
    """One contact; the latest invitation keeps its history when it was cancelled."""

    contact: Contact
    accounts: list[str]
    invitation: Invitation | None
    email_problem: str | None
    account_id: int  # the first account (by name): where staff correct the address

    @property
    def status(self) -> PendingStatus:
        invitation = self.invitation
        if invitation is None or invitation.last_sent_at is None:
            return (
                PendingStatus.CANCELLED
                if invitation is not None and invitation.cancelled_at
                else PendingStatus.NOT_INVITED
            )
        if invitation.cancelled_at:
            return PendingStatus.CANCELLED
        if invitation.bounced_at:
            return PendingStatus.BOUNCED
        if invitation_expired(invitation):
            return PendingStatus.EXPIRED
        return PendingStatus.INVITED

    @property
    def sent_at(self) -> datetime | None:
        return self.invitation.last_sent_at if self.invitation else None

    @property
    def send_count(self) -> int:
        return self.invitation.send_count if self.invitation else 0

    @property
    def expired(self) -> bool:
        return invitation_expired(self.invitation)


def pending_rows(tenant_id: int, sort: str = "sent_desc") -> list[PendingRow]:
    rows = db.session.execute(
        select(Contact, ClientAccount.name, ClientAccount.id)
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
    grouped: dict[int, tuple[Contact, list[str], int]] = {}
    for contact, account_name, account_id in rows:
        grouped.setdefault(contact.id, (contact, [], account_id))[1].append(account_name)
    invitations = latest_invitations(tenant_id, list(grouped))  # one query, not one per row
    result = [
        PendingRow(
            contact,
            names,
            invitations.get(contact.id),
            _email_problem(contact),
            account_id,
        )
        for contact, names, account_id in grouped.values()
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
