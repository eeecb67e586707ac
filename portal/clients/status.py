"""Where each client stands: the statuses firm staff see on every list."""

from __future__ import annotations

import enum

from sqlalchemy import ColumnElement, and_

from portal.clients.models import ClientAccount, Contact, Invitation
from portal.core.database import utcnow


class ContactStatus(enum.StrEnum):
    NO_ACCESS = "No access"
    PENDING = "Pending activation"
    INVITED = "Invited"
    ACTIVE = "Active"
    CANCELLED = "Cancelled"
    BOUNCED = "Bounced"


class AccountStatus(enum.StrEnum):
    ACTIVE = "Active"
    OFFLINE = "Offline"


def contact_status(
    contact: Contact, login_enabled: bool, invitation: Invitation | None
) -> ContactStatus:
    if not login_enabled:
        return ContactStatus.NO_ACCESS
    if contact.activated_at is not None:
        return ContactStatus.ACTIVE
    if invitation is not None and invitation.cancelled_at is not None:
        return ContactStatus.CANCELLED
    if invitation is not None and invitation.bounced_at is not None:
        return ContactStatus.BOUNCED
    if invitation is not None and invitation.last_sent_at is not None:
        return ContactStatus.INVITED
    return ContactStatus.PENDING


def invitation_expired(invitation: Invitation | None) -> bool:
    return (
        invitation is not None
        and invitation.accepted_at is None
        and invitation.cancelled_at is None
        and invitation.expires_at <= utcnow()
    )


def account_status(any_login_enabled: bool) -> AccountStatus:
    return AccountStatus.ACTIVE if any_login_enabled else AccountStatus.OFFLINE


def counted_accounts() -> ColumnElement[bool]:
    """Criterion for accounts that count in totals, charts and billing: neither the firm's test
    client nor archived. Counts of contacts join their accounts and use it too."""
    return and_(ClientAccount.is_test.is_(False), ClientAccount.archived_at.is_(None))
