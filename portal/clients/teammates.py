"""Clients who invite their teammates to the account they are in (seed 003's "Invited by: the
team member or client"), when the firm allows it; the firm may approve each one first."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import (
    ForeignKeyConstraint,
    Index,
    Select,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.clients import directory
from portal.clients.invitations import send_invitation
from portal.clients.models import ClientAccount, Contact
from portal.core.database import utcnow
from portal.core.emails import normalize_email
from portal.core.errors import UserError
from portal.core.extensions import Model, db
from tenants.scoping import TenantOwned, get_owned, owned
from tenants.snapshot import TenantSnapshot

DAILY_LIMIT = 10  # teammate invitations one client may ask for in a day


class TeammateStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the firm's approval
    INVITED = "invited"  # approved (or no approval needed): the invitation went out
    DECLINED = "declined"


class TeammateRequest(TenantOwned, Model):
    """A client's "invite my teammate to this account"; kept after the decision as the record
    of who asked."""

    __tablename__ = "teammate_requests"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "requested_by_contact_id"], ["contacts.tenant_id", "contacts.id"]
        ),
        Index("ix_teammate_requests_tenant_status", "tenant_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int]
    requested_by_contact_id: Mapped[int]
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200), default="")
    personal_message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=TeammateStatus.PENDING)
    contact_id: Mapped[int | None]  # the teammate, once invited
    decided_by_staff_id: Mapped[int | None]
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def invited_by_label(requester: Contact) -> str:
    return f"{requester.display_name} (client)"


def request_teammate(
    tenant: TenantSnapshot,
    account: ClientAccount,
    requester: Contact,
    email: str,
    name: str = "",
    message: str = "",
) -> TeammateRequest:
    """Ask for (or, without approval, send) a teammate's invitation; the caller commits."""
    if not tenant.clients_invite_teammates:
        raise UserError(gettext("Your firm does not let clients invite teammates."))
    address = normalize_email(email)
    if address == requester.email:
        raise UserError(gettext("That is your own address."), field="email")
    name = directory.clean_text(name, label="name", max_length=200)
    if len(message) > 2000:
        raise UserError(
            gettext("The message is too long (2,000 characters at most)."), field="message"
        )
    known = directory.find_contact_by_email(tenant.id, address)
    if known is not None and directory.login_enabled(tenant.id, account.id, known.id):
        raise UserError(
            gettext(
                "%(email)s already has access to %(account)s.", email=address, account=account.name
            ),
            field="email",
        )
    waiting = db.session.scalar(
        owned(
            TeammateRequest,
            tenant,
            TeammateRequest.account_id == account.id,
            TeammateRequest.email == address,
            TeammateRequest.status == TeammateStatus.PENDING,
        ).limit(1)
    )
    if waiting is not None:
        raise UserError(
            gettext("%(email)s is already waiting for the firm's approval.", email=address),
            field="email",
        )
    sent_today = db.session.scalar(
        select(func.count(TeammateRequest.id)).where(
            TeammateRequest.tenant_id == tenant.id,
            TeammateRequest.requested_by_contact_id == requester.id,
            TeammateRequest.created_at >= utcnow() - timedelta(days=1),
        )
    )
    if (sent_today or 0) >= DAILY_LIMIT:
        raise UserError(
            gettext(
                "At most %(limit)d teammate invitations a day. Try again tomorrow.",
                limit=DAILY_LIMIT,
            )
        )
    row = TeammateRequest(
        tenant_id=tenant.id,
        account_id=account.id,
        requested_by_contact_id=requester.id,
        email=address,
        name=name,
        personal_message=message.strip(),
        status=TeammateStatus.PENDING,
    )
    db.session.add(row)
    if not tenant.teammate_approval:
        _invite(tenant, row, account, requester)
    db.session.flush()
    return row


def _invite(
    tenant: TenantSnapshot, row: TeammateRequest, account: ClientAccount, requester: Contact
) -> None:
    contact, _ = directory.add_contact_with_notice(tenant, account, row.email, row.name, login=True)
    row.contact_id = contact.id
    row.status = TeammateStatus.INVITED
    if contact.activated_at is None:  # an active contact was told by email instead
        invitation = send_invitation(
            tenant,
            contact,
            invited_by=invited_by_label(requester),
            personal_message=row.personal_message,
        )
        invitation.invited_by_contact_id = requester.id


def get_request(tenant: TenantSnapshot, request_id: int) -> TeammateRequest | None:
    return get_owned(TeammateRequest, tenant, request_id)


def approve(tenant: TenantSnapshot, row: TeammateRequest, staff_id: int) -> None:
    """Staff approve: the teammate gets access and the invitation; the caller commits.

    Raises SendLimitReached (nothing changed) when the address had enough invitations lately."""
    if row.status != TeammateStatus.PENDING:
        raise UserError("This request was already decided.")
    account = get_owned(ClientAccount, tenant, row.account_id)
    requester = get_owned(Contact, tenant, row.requested_by_contact_id)
    if account is None or requester is None:
        raise UserError("The account or the client who asked no longer exists.")
    _invite(tenant, row, account, requester)
    row.decided_by_staff_id, row.decided_at = staff_id, utcnow()


def decline(tenant: TenantSnapshot, row: TeammateRequest, staff_id: int) -> None:
    if row.status != TeammateStatus.PENDING:
        raise UserError("This request was already decided.")
    row.status = TeammateStatus.DECLINED
    row.decided_by_staff_id, row.decided_at = staff_id, utcnow()


def requests_select(tenant: TenantSnapshot, status: str) -> Select[TeammateRequest]:
    """The staff list of one status, newest first (paginated by the caller)."""
    return owned(TeammateRequest, tenant, TeammateRequest.status == status).order_by(
        TeammateRequest.id.desc()
    )


def requester_names(tenant: TenantSnapshot, rows: list[TeammateRequest]) -> dict[int, str]:
    """Contact id → display name of the clients who asked, in one query."""
    ids = {row.requested_by_contact_id for row in rows}
    if not ids:
        return {}
    contacts = db.session.scalars(owned(Contact, tenant, Contact.id.in_(ids)))
    return {contact.id: contact.display_name for contact in contacts}


def account_names(tenant: TenantSnapshot, rows: list[TeammateRequest]) -> dict[int, str]:
    ids = {row.account_id for row in rows}
    if not ids:
        return {}
    accounts = db.session.scalars(owned(ClientAccount, tenant, ClientAccount.id.in_(ids)))
    return {account.id: account.name for account in accounts}


def pending_count(tenant: TenantSnapshot, account_id: int | None = None) -> int:
    query = select(func.count(TeammateRequest.id)).where(
        TeammateRequest.tenant_id == tenant.id, TeammateRequest.status == TeammateStatus.PENDING
    )
    if account_id is not None:
        query = query.where(TeammateRequest.account_id == account_id)
    return db.session.scalar(query) or 0


def recent_for(
    tenant: TenantSnapshot, account_id: int, requester_id: int, limit: int = 20
) -> list[TeammateRequest]:
    """What this client asked for in this account, newest first (their own page)."""
    return list(
        db.session.scalars(
            owned(
                TeammateRequest,
                tenant,
                TeammateRequest.account_id == account_id,
                TeammateRequest.requested_by_contact_id == requester_id,
            )
            .order_by(TeammateRequest.id.desc())
            .limit(limit)
        )
    )
