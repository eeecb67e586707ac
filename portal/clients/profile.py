"""A client's own profile: name and phone, and changing the sign-in email address.

A new address is used only after a link sent to it is followed (SHA-256 kept, 24 hours, once;
a newer request cancels older ones), and the old address is told once it changes. The answer
to a request never says whether another contact of the firm already has the address: such an
address is sent a notice instead of a link, and the change is refused again at confirmation.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from werkzeug.exceptions import TooManyRequests

from portal.audit.service import Outcome, record
from portal.auth.models import EmailChange
from portal.auth.passwords import verify_password
from portal.auth.single_use import consume_once
from portal.auth.tokens import hash_token, new_token
from portal.clients.directory import find_contacts_by_email, get_contact
from portal.clients.models import Contact
from portal.core.database import after_commit, utcnow
from portal.core.emails import normalize_email
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.ratelimit import enforce
from portal.mail.compose import queue_email
from tenants.context import tenant_url
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

CHANGE_LIFETIME = timedelta(hours=24)
REQUESTS = "5/hour"  # each request emails an address the client typed
_PHONE = re.compile(r"^[0-9+()./ -]{0,40}$")


def update_details(contact: Contact, name: str, phone: str) -> None:
    """Name and phone as the client typed them (trimmed); the caller commits."""
    name = " ".join((name or "").split())
    phone = (phone or "").strip()
    if not name:
        raise UserError(_("Enter your name."), field="name")
    if len(name) > 200:
        raise UserError(_("Use at most 200 characters."), field="name")
    if not _PHONE.match(phone) or (phone and sum(ch.isdigit() for ch in phone) < 5):
        raise UserError(
            _("Enter a phone number with digits, spaces and + ( ) - only."), field="phone"
        )
    contact.name = name
    contact.phone = phone


def _address_taken(tenant: TenantSnapshot, contact: Contact, email: str) -> bool:
    if tenant.allow_duplicate_contacts:
        return False
    return any(other.id != contact.id for other in find_contacts_by_email(tenant.id, email))


def request_email_change(
    tenant: TenantSnapshot, contact: Contact, raw_email: str, password: str
) -> str:
    """Check the password, then email the new address (a link, or a notice when the address
    belongs to another contact); return the normalised address. The caller commits."""
    try:
        enforce(REQUESTS, "email-change", tenant.id, contact.id)
    except TooManyRequests:
        raise UserError(
            _("You have asked for several changes in a short time. Try again in an hour."),
            field="email",
        ) from None
    if not verify_password(contact.password_hash, password):
        raise UserError(_("Your current password is not correct."), field="password")
    try:
        email = normalize_email(raw_email)
    except UserError:
        raise UserError(_("Enter a valid email address."), field="email") from None
    if email == contact.email:
        raise UserError(_("That is already your email address."), field="email")
    now = utcnow()
    _cancel_open(tenant.id, contact.id, now)
    if _address_taken(tenant, contact, email):
        queue_email(tenant, email, "email_change_refused", contact=contact)
        _record(tenant, contact, "profile.email_change_refused", Outcome.REFUSED, "in use")
        return email
    raw, digest = new_token()
    db.session.add(
        EmailChange(
            tenant_id=tenant.id,
            contact_id=contact.id,
            new_email=email,
            token_hash=digest,
            expires_at=now + CHANGE_LIFETIME,
        )
    )
    link = tenant_url(tenant.canonical_host, "profile.confirm_email", token=raw)
    queue_email(tenant, email, "email_change_confirm", contact=contact, link=link, new_email=email)
    _record(tenant, contact, "profile.email_change_requested", Outcome.SUCCESS, "")
    return email


def _cancel_open(tenant_id: int, contact_id: int, now: datetime) -> None:
    db.session.execute(
        update(EmailChange)
        .where(
            EmailChange.tenant_id == tenant_id,
            EmailChange.contact_id == contact_id,
            EmailChange.used_at.is_(None),
            EmailChange.cancelled_at.is_(None),
        )
        .values(cancelled_at=now)
    )


def pending_change(tenant_id: int, contact_id: int) -> EmailChange | None:
    """The open request the profile page mentions ("waiting for confirmation")."""
    return db.session.scalar(
        owned(EmailChange, tenant_id)
        .where(
            EmailChange.contact_id == contact_id,
            EmailChange.used_at.is_(None),
            EmailChange.cancelled_at.is_(None),
            EmailChange.expires_at > utcnow(),
        )
        .order_by(EmailChange.id.desc())
        .limit(1)
    )


def live_change(tenant_id: int, token: str) -> tuple[EmailChange, Contact] | None:
    """The open change of this link and its contact, if both are still there."""
    if not token or len(token) > 100:
        return None
    change = db.session.scalar(
        select(EmailChange).where(
            EmailChange.tenant_id == tenant_id,
            EmailChange.token_hash == hash_token(token),
            EmailChange.used_at.is_(None),
            EmailChange.cancelled_at.is_(None),
            EmailChange.expires_at > utcnow(),
        )
    )
    contact = get_contact(tenant_id, change.contact_id) if change else None
    if change is None or contact is None:
        return None
    return change, contact


def confirm_email_change(tenant: TenantSnapshot, change: EmailChange, contact: Contact) -> bool:
    """Use the link once: the contact's address becomes the new one and the old address is
    told. False if it was used meanwhile. Raises when the address was taken meanwhile."""
    if _address_taken(tenant, contact, change.new_email):
        raise UserError(
            _("This address cannot be used for your account. Nothing was changed."),
            field="email",
        )
    if not consume_once(EmailChange, change, "used_at", "cancelled_at"):
        return False
    old = contact.email
    contact.email = change.new_email
    contact.email_problem = None
    queue_email(tenant, old, "email_changed_notice", contact=contact, old_email=old)
    _record(tenant, contact, "profile.email_changed", Outcome.SUCCESS, "")
    return True


def _record(
    tenant: TenantSnapshot, contact: Contact, event: str, outcome: Outcome, detail: str
) -> None:
    """Audit after the commit: the audit row has its own connection, which SQLite would make
    wait for this transaction."""
    after_commit(_store_events, (event, tenant.id, contact.id, outcome, detail))


def _store_events(*events: tuple[str, int, int, Outcome, str]) -> None:
    for event, tenant_id, contact_id, outcome, detail in events:
        record(
            event,
            tenant=tenant_id,
            principal_kind="client",
            principal_id=contact_id,
            outcome=outcome,
            detail=detail,
        )
