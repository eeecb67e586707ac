"""Turning saved notifications into emails: one per person and group after the grouping
window, a daily digest for those who chose it, and a sweep for groups whose job never ran.

Rows are claimed with one UPDATE (`emailed_at` set where it was empty), so two jobs for the
same group never send the same notification twice; every row records why it was or was not
emailed (`email_note`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import ColumnElement, select, update

from portal.auth.models import StaffMember
from portal.auth.principals import PrincipalKind
from portal.clients.models import AccountContact, Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.core.i18n import FALLBACK, language_for
from portal.mail.compose import queue_email
from portal.notifications.models import Mode, Notification
from portal.notifications.preferences import mode_for
from portal.notifications.service import Recipient, group_window, is_viewing, schedule_email
from tenants.snapshot import TenantSnapshot

GROUP_EMAIL_KIND = "notification"
DIGEST_EMAIL_KIND = "notification_digest"
EMAIL_ITEMS = 10  # shown in one email; the rest are "and N more"
SWEEP_BATCH = 500


@dataclass(frozen=True, slots=True)
class Addressee:
    email: str
    name: str
    language: str | None = None  # a client's stored choice; staff read English


def addressee(tenant_id: int, recipient: Recipient) -> Addressee | None:
    """Where the person's email goes, or None (deactivated, no portal access, no address)."""
    if recipient.kind == PrincipalKind.STAFF:
        staff = db.session.get(StaffMember, recipient.id)
        if staff is None or staff.tenant_id != tenant_id or not staff.is_active or not staff.email:
            return None
        return Addressee(staff.email, staff.name)
    if recipient.kind == PrincipalKind.CLIENT:
        contact = db.session.get(Contact, recipient.id)
        if contact is None or contact.tenant_id != tenant_id or not contact.email:
            return None
        access = db.session.scalar(
            select(AccountContact.contact_id)
            .where(
                AccountContact.tenant_id == tenant_id,
                AccountContact.contact_id == contact.id,
                AccountContact.login_enabled.is_(True),
            )
            .limit(1)
        )
        if access is None:
            return None
        return Addressee(contact.email, contact.name, contact.language)
    return None


def _language(tenant: TenantSnapshot, recipient: Recipient, person: Addressee) -> str:
    if recipient.kind == PrincipalKind.STAFF:
        return FALLBACK
    return language_for(person.language, tenant)


def _subject_line(title: str, count: int, language: str) -> str:
    """The newest title, with "(+N more)" in the recipient's language when there are several."""
    if count == 1:
        return title
    with force_locale(language):
        return str(gettext("%(title)s (+%(num)d more)", title=title, num=count - 1))


def send_group_email(tenant: TenantSnapshot, recipient: Recipient, group_key: str) -> str:
    """Email every notification of the group not emailed yet as ONE message; the caller
    commits. Returns what happened ("sent", or the reason nothing was sent)."""
    claimed = _claim(tenant.id, recipient, Notification.group_key == group_key)
    if not claimed:
        return "nothing to send"
    unread = [row for row in claimed if row.read_at is None]
    note = _skip_reason(tenant, recipient, group_key, unread)
    if note == Mode.DIGEST:
        for row in unread:  # the digest job takes them
            row.emailed_at = None
            row.email_note = "digest"
        for row in claimed:
            if row.read_at is not None:
                row.email_note = "read in app"
        return "digest"
    if note is not None:
        for row in claimed:
            row.email_note = note
        return note
    person = addressee(tenant.id, recipient)
    if person is None:
        for row in claimed:
            row.email_note = "no email"
        return "no email"
    newest = unread[-1]
    queue_email(
        tenant,
        person.email,
        GROUP_EMAIL_KIND,
        language=_language(tenant, recipient, person),
        name=person.name,
        items=unread[-EMAIL_ITEMS:],
        more=max(0, len(unread) - EMAIL_ITEMS),
        subject_line=_subject_line(newest.title, len(unread), _language(tenant, recipient, person)),
        link=absolute_url(tenant, newest.path),
        preferences_link=absolute_url(tenant, preferences_path(recipient)),
    )
    for row in claimed:
        row.email_note = "sent" if row.read_at is None else "read in app"
    return "sent"


def send_digest(tenant: TenantSnapshot, recipient: Recipient) -> str:
    """One email with everything waiting for this person's digest that is still unread."""
    claimed = _claim(tenant.id, recipient, Notification.email_note == "digest")
    unread = [row for row in claimed if row.read_at is None]
    for row in claimed:
        if row.read_at is not None:
            row.email_note = "read in app"
    if not unread:
        return "nothing to send"
    person = addressee(tenant.id, recipient)
    if person is None:
        for row in unread:
            row.email_note = "no email"
        return "no email"
    queue_email(
        tenant,
        person.email,
        DIGEST_EMAIL_KIND,
        language=_language(tenant, recipient, person),
        name=person.name,
        items=unread[-EMAIL_ITEMS:],
        more=max(0, len(unread) - EMAIL_ITEMS),
        count=len(unread),
        link=absolute_url(tenant, centre_path(recipient)),
        preferences_link=absolute_url(tenant, preferences_path(recipient)),
        base_url=absolute_url(tenant, ""),
    )
    for row in unread:
        row.email_note = "digest sent"
    return "sent"


def digest_recipients() -> list[tuple[int, str, int]]:
    """(tenant id, kind, id) of everyone with notifications waiting for their digest."""
    rows = db.session.execute(
        select(Notification.tenant_id, Notification.recipient_kind, Notification.recipient_id)
        .where(Notification.email_note == "digest", Notification.emailed_at.is_(None))
        .distinct()
    ).all()
    return [(t, k, i) for t, k, i in rows]


def sweep_unsent_groups() -> int:
    """Re-queue email jobs for groups still unsent well after their window (a lost job, Redis
    was down); returns how many groups were queued."""
    before = utcnow() - timedelta(seconds=group_window() + 120)
    groups = db.session.execute(
        select(
            Notification.tenant_id,
            Notification.recipient_kind,
            Notification.recipient_id,
            Notification.group_key,
        )
        .where(
            Notification.emailed_at.is_(None),
            Notification.email_note.is_(None),
            Notification.created_at < before,
        )
        .distinct()
        .limit(SWEEP_BATCH)
    ).all()
    for tenant_id, kind, recipient_id, group_key in groups:
        schedule_email(tenant_id, kind, recipient_id, group_key, 0)
    return len(groups)


def centre_path(recipient: Recipient) -> str:
    return "/admin/notifications" if recipient.kind == PrincipalKind.STAFF else "/notifications"


def preferences_path(recipient: Recipient) -> str:
    return centre_path(recipient) + "/preferences"


def absolute_url(tenant: TenantSnapshot, path: str) -> str:
    """A link on the tenant's canonical host, never on the host of whoever caused the event."""
    config = current_app.config
    port = config.get("PUBLIC_PORT")
    host = f"{tenant.canonical_host}:{port}" if port else tenant.canonical_host
    return f"{config['PREFERRED_URL_SCHEME']}://{host}{path}"


def _skip_reason(
    tenant: TenantSnapshot, recipient: Recipient, group_key: str, unread: list[Notification]
) -> str | None:
    if not unread:
        return "read in app"
    mode = mode_for(tenant, recipient, unread[-1].kind)
    if mode == Mode.OFF:
        return "preference off"
    if mode == Mode.DIGEST:
        return Mode.DIGEST.value
    if is_viewing(tenant.id, recipient, group_key):
        return "viewing"
    return None


def _claim(
    tenant_id: int, recipient: Recipient, *criteria: ColumnElement[bool]
) -> list[Notification]:
    """Atomically take the person's unemailed rows matching `criteria` (oldest first)."""
    token = f"claim:{uuid.uuid4().hex}"
    now = utcnow()
    db.session.execute(
        update(Notification)
        .where(
            Notification.tenant_id == tenant_id,
            Notification.recipient_kind == recipient.kind,
            Notification.recipient_id == recipient.id,
            Notification.emailed_at.is_(None),
            Notification.created_at <= now,
            *criteria,
        )
        .values(emailed_at=now, email_note=token)
        .execution_options(synchronize_session=False)
    )
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.tenant_id == tenant_id, Notification.email_note == token)
            .order_by(Notification.id)
        )
    )
