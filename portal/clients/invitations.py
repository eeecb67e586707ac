"""The client invitation lifecycle: issue or refresh, send, copy, cancel and redeem.

A link's token is HMAC(SECRET_KEY, random per-invitation nonce); the database keeps the
nonce and the token's SHA-256. So the copied link and every resent email carry the same live
link, while a database dump alone cannot produce a working one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta
from types import EllipsisType

from flask import current_app
from sqlalchemy import case, func, select

from portal.auth.single_use import consume_once
from portal.auth.tokens import hash_token
from portal.clients.models import AccountContact, ClientAccount, Contact, Invitation
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.mail.compose import queue_email
from portal.mail.delivery import Bounce
from portal.mail.models import OutboxMessage
from portal.webhooks.service import emit
from tenants.context import tenant_url
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

log = logging.getLogger("foyer.invitations")
RESEND_ADVICE_AFTER = 3
INVITATION_KIND = "client_invitation"
ACCOUNT_ADDED_KIND = "account_added"
# Invitation emails to one address of a tenant, whoever sends them: (at most, within, wording).
SEND_LIMITS = ((3, timedelta(hours=1), "3 an hour"), (10, timedelta(days=1), "10 a day"))


class SendLimitReached(UserError):
    """Refused before anything changed: the address had enough invitation emails lately."""

    def __init__(self, email: str, wording: str) -> None:
        super().__init__(
            f"Not sent to {email}: at most {wording} invitation emails go to one address. "
            "Try again later, or copy the invitation link and share it yourself.",
            field="email",
        )
        self.email = email


def send_limit_reached(tenant_id: int, email: str) -> str | None:
    """The wording of the first per-recipient limit this address has reached, else None."""
    now = utcnow()
    since = [now - window for _, window, _ in SEND_LIMITS]
    counts = db.session.execute(
        select(
            *(
                func.coalesce(func.sum(case((OutboxMessage.created_at >= s, 1), else_=0)), 0)
                for s in since
            )
        ).where(
            OutboxMessage.tenant_id == tenant_id,
            OutboxMessage.to_address == email,
            OutboxMessage.kind == INVITATION_KIND,
            OutboxMessage.created_at >= min(since),
        )
    ).one()
    for (limit, _, wording), count in zip(SEND_LIMITS, counts, strict=True):
        if count >= limit:
            return wording
    return None


def send_limits_reached(tenant_id: int, emails: list[str]) -> set[str]:
    """`send_limit_reached` of many addresses, one query per 500: those that reached one."""
    now = utcnow()
    since = [now - window for _, window, _ in SEND_LIMITS]
    reached: set[str] = set()
    for start in range(0, len(emails), 500):  # bound parameters stay under SQLite's limit
        rows = db.session.execute(
            select(
                OutboxMessage.to_address,
                *(func.sum(case((OutboxMessage.created_at >= s, 1), else_=0)) for s in since),
            )
            .where(
                OutboxMessage.tenant_id == tenant_id,
                OutboxMessage.to_address.in_(emails[start : start + 500]),
                OutboxMessage.kind == INVITATION_KIND,
                OutboxMessage.created_at >= min(since),
            )
            .group_by(OutboxMessage.to_address)
        )
        for address, *counts in rows:
            if any(
                count >= limit for (limit, _, _), count in zip(SEND_LIMITS, counts, strict=True)
            ):
                reached.add(address)
    return reached


def invitation_token(invitation: Invitation) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"invite:{invitation.tenant_id}:{invitation.contact_id}:{invitation.nonce}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def invitation_link(tenant: TenantSnapshot, invitation: Invitation) -> str:
    host = tenant.canonical_host
    return tenant_url(host, "access.accept_invitation", token=invitation_token(invitation))


def latest_invitation(tenant_id: int, contact_id: int) -> Invitation | None:
    return db.session.scalars(
        owned(Invitation, tenant_id)
        .where(Invitation.contact_id == contact_id)
        .order_by(Invitation.id.desc())
        .limit(1)
    ).first()


def latest_invitations(tenant_id: int, contact_ids: list[int]) -> dict[int, Invitation]:
    """`latest_invitation` of many contacts, one query per 500: contact id → invitation."""
    found: dict[int, Invitation] = {}
    for start in range(0, len(contact_ids), 500):  # bound parameters stay under SQLite's limit
        chunk = contact_ids[start : start + 500]
        newest = (
            select(func.max(Invitation.id))
            .where(Invitation.tenant_id == tenant_id, Invitation.contact_id.in_(chunk))
            .group_by(Invitation.contact_id)
        )
        rows = db.session.scalars(owned(Invitation, tenant_id).where(Invitation.id.in_(newest)))
        found.update((invitation.contact_id, invitation) for invitation in rows)
    return found


def open_invitation(tenant_id: int, contact_id: int) -> Invitation | None:
    """The invitation neither accepted nor cancelled (it may have expired)."""
    invitation = latest_invitation(tenant_id, contact_id)
    if invitation is None or invitation.accepted_at or invitation.cancelled_at:
        return None
    return invitation


def prepare_invitation(
    tenant: TenantSnapshot, contact: Contact, known: Invitation | None | EllipsisType = ...
) -> Invitation:
    """Return the contact's open invitation with a fresh expiry, creating one if needed.

    An invitation addressed to a previous email of the contact is cancelled, not reused.
    Bulk callers pass the open invitation they already loaded as `known` (None: there is none).
    """
    now = utcnow()
    invitation = open_invitation(tenant.id, contact.id) if known is ... else known
    if invitation is not None and invitation.email != contact.email:
        invitation.cancelled_at = now
        invitation = None
    if invitation is None:
        nonce = secrets.token_hex(32)
        invitation = Invitation(
            tenant_id=tenant.id,
            contact_id=contact.id,
            email=contact.email,
            nonce=nonce,
            token_hash="",
            expires_at=now,
            send_count=0,
        )
        db.session.add(invitation)
        invitation.token_hash = hash_token(invitation_token(invitation))
    invitation.expires_at = now + timedelta(days=tenant.invite_expiry_days)
    return invitation


def send_invitation(
    tenant: TenantSnapshot,
    contact: Contact,
    *,
    invited_by: str,
    staff_id: int | None = None,
    personal_message: str | None = None,
    known: Invitation | None | EllipsisType = ...,
) -> Invitation:
    """Send (or resend) the contact's invitation email; the caller commits.

    Raises SendLimitReached, before changing anything, once the address reached a send limit.
    """
    wording = send_limit_reached(tenant.id, contact.email)
    if wording is not None:
        raise SendLimitReached(contact.email, wording)
    invitation = prepare_invitation(tenant, contact, known)
    _send(
        tenant,
        contact,
        invitation,
        portal_account_names(tenant.id, contact.id),
        invited_by=invited_by,
        staff_id=staff_id,
        personal_message=personal_message,
    )
    return invitation


def send_invitations(
    tenant: TenantSnapshot,
    contacts: list[Contact],
    *,
    invited_by: str,
    staff_id: int | None = None,
    personal_message: str | None = None,
    not_sent_since: datetime | None = None,
) -> list[Invitation]:
    """`send_invitation` for a chunk of a bulk run, with a few queries for the whole chunk.

    Left out: addresses that reached a send limit, and contacts sent an invitation since
    `not_sent_since` (a resumed run, or a contact of two accounts). The caller commits."""
    ids = [contact.id for contact in contacts]
    limited = send_limits_reached(tenant.id, [contact.email for contact in contacts])
    latest = latest_invitations(tenant.id, ids)
    names = portal_account_names_of(tenant.id, ids)
    sent: list[Invitation] = []
    for contact in contacts:
        known = latest.get(contact.id)
        if known is not None and (known.accepted_at or known.cancelled_at):
            known = None  # as open_invitation: a new one is issued
        last_sent = known.last_sent_at if known is not None else None
        if contact.email in limited or (
            last_sent and not_sent_since and last_sent >= not_sent_since
        ):
            continue
        invitation = prepare_invitation(tenant, contact, known)
        _send(
            tenant,
            contact,
            invitation,
            names.get(contact.id, []),
            invited_by=invited_by,
            staff_id=staff_id,
            personal_message=personal_message,
        )
        sent.append(invitation)
    return sent


def _send(
    tenant: TenantSnapshot,
    contact: Contact,
    invitation: Invitation,
    account_names: list[str],
    *,
    invited_by: str,
    staff_id: int | None,
    personal_message: str | None,
) -> None:
    now = utcnow()
    if personal_message is not None:
        invitation.personal_message = personal_message.strip()
    invitation.invited_by = invited_by
    invitation.invited_by_staff_id = staff_id
    invitation.first_sent_at = invitation.first_sent_at or now
    invitation.last_sent_at = now
    invitation.send_count = (invitation.send_count or 0) + 1
    invitation.bounced_at = None  # this email may yet arrive
    invitation.bounce_reason = None
    queue_email(
        tenant,
        contact.email,
        INVITATION_KIND,
        link=invitation_link(tenant, invitation),
        contact=contact,
        account_names=account_names,
        personal_message=invitation.personal_message,
        invited_by=invited_by,
        expiry_days=tenant.invite_expiry_days,
        reminder=invitation.send_count > 1,  # a resend uses the firm's reminder wording
    )
    emit(tenant, "client.invited", {"contact_id": contact.id, "email": contact.email})


def portal_account_names(tenant_id: int, contact_id: int) -> list[str]:
    """The accounts the contact sees in the portal, by name: what an invitation is for."""
    return list(
        db.session.scalars(
            select(ClientAccount.name)
            .join(
                AccountContact,
                (AccountContact.tenant_id == ClientAccount.tenant_id)
                & (AccountContact.account_id == ClientAccount.id),
            )
            .where(
                ClientAccount.tenant_id == tenant_id,
                AccountContact.contact_id == contact_id,
                AccountContact.login_enabled.is_(True),
            )
            .order_by(ClientAccount.name)
        )
    )


def portal_account_names_of(tenant_id: int, contact_ids: list[int]) -> dict[int, list[str]]:
    """`portal_account_names` of many contacts, one query per 500: contact id → names."""
    found: dict[int, list[str]] = {}
    for start in range(0, len(contact_ids), 500):
        rows = db.session.execute(
            select(AccountContact.contact_id, ClientAccount.name)
            .join(
                AccountContact,
                (AccountContact.tenant_id == ClientAccount.tenant_id)
                & (AccountContact.account_id == ClientAccount.id),
            )
            .where(
                ClientAccount.tenant_id == tenant_id,
                AccountContact.contact_id.in_(contact_ids[start : start + 500]),
                AccountContact.login_enabled.is_(True),
            )
            .order_by(ClientAccount.name)
        )
        for contact_id, name in rows:
            found.setdefault(contact_id, []).append(name)
    return found


def notify_account_added(tenant: TenantSnapshot, contact: Contact, account: ClientAccount) -> None:
    """A contact who already uses the portal is told they now also see `account`: no second
    invitation (their password already works). The caller commits."""
    queue_email(
        tenant,
        contact.email,
        ACCOUNT_ADDED_KIND,
        contact=contact,
        account_name=account.name,
        link=tenant_url(tenant.canonical_host, "home.index"),
    )


def record_bounces(bounces: list[Bounce]) -> None:
    """Flag the addresses a server refused for good, and mark the invitation that bounced, so
    staff see "Bounced" with the reason and correct the address; the caller commits."""
    now = utcnow()
    for bounce in bounces:
        contacts = db.session.scalars(
            owned(Contact, bounce.tenant_id).where(Contact.email == bounce.to_address)
        ).all()
        for contact in contacts:
            contact.email_problem = f"Bounced: {bounce.reason}"[:200]
            invitation = open_invitation(bounce.tenant_id, contact.id)
            if (
                bounce.kind == INVITATION_KIND
                and invitation is not None
                and invitation.email == bounce.to_address
            ):
                invitation.bounced_at = now
                invitation.bounce_reason = bounce.reason[:300]
        log.info(
            "bounce tenant=%s message=%s contacts=%s: %s",
            bounce.tenant_id,
            bounce.message_id,
            [contact.id for contact in contacts],
            bounce.reason,
        )


def copy_link(tenant: TenantSnapshot, contact: Contact, staff_label: str) -> str:
    """The live link for the firm to paste elsewhere; audit-logged, the caller commits."""
    invitation = prepare_invitation(tenant, contact)
    if not invitation.invited_by:
        invitation.invited_by = staff_label
    log.info("invite link copied tenant=%s contact=%s by=%s", tenant.id, contact.id, staff_label)
    return invitation_link(tenant, invitation)


def cancel_invitation(tenant_id: int, contact_id: int) -> bool:
    invitation = open_invitation(tenant_id, contact_id)
    if invitation is None:
        return False
    invitation.cancelled_at = utcnow()
    return True


def find_by_token(tenant_id: int, token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        owned(Invitation, tenant_id).where(Invitation.token_hash == hash_token(token))
    )


def is_redeemable(invitation: Invitation, contact: Contact) -> bool:
    return (
        invitation.accepted_at is None
        and invitation.cancelled_at is None
        and invitation.expires_at > utcnow()
        and invitation.email == contact.email
    )


def redeem(invitation: Invitation) -> bool:
    """Atomically mark the invitation accepted; False if it stopped being valid meanwhile."""
    return consume_once(Invitation, invitation, "accepted_at", "cancelled_at")
