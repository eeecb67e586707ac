"""The one notification pipeline other modules call: `notify` saves an in-app notification per
person in the caller's transaction; after the commit, delayed jobs turn them into at most one
email per person and group (a thread, a request) and a Web Push to each of their devices.

Nothing is lost when delivery fails: the rows exist before any email or push is tried, email
jobs claim rows atomically and a recurring sweep re-queues groups whose job never ran.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale
from redis.exceptions import RedisError
from sqlalchemy import ColumnElement, Select, func, inspect, select, update

from jobs.queue import enqueue
from portal.auth.models import StaffMember
from portal.auth.principals import PrincipalKind
from portal.clients.models import AccountContact, Contact
from portal.core.database import after_commit, utcnow
from portal.core.extensions import db
from portal.core.i18n import N_, language_for
from portal.core.redis_store import get_redis
from portal.core.waiting import CONTACT, TENANT, shaped
from portal.notifications.models import Notification, PushSubscription
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

log = logging.getLogger("foyer.notifications")

VIEWING_SECONDS = 60  # how long `mark_viewing` suppresses emails for a group
BODY_LIMIT = 300

# Labels are marked for translation; pages show them through gettext.
KINDS: dict[str, str] = {
    "message.new": N_("New messages"),
    "request.new": N_("New requests"),
    "request.status": N_("Request status changes"),
    "document.requested": N_("Documents requested from you"),
    "document.uploaded": N_("Documents uploaded"),
    "document.reviewed": N_("Documents reviewed"),
    "community.post": N_("New posts in your community groups"),
    "community.comment": N_("Comments on your community posts"),
    "community.report": N_("Community posts reported to staff"),
    "course.published": N_("Courses opened to you"),
    "referral.earning": N_("Referral commissions and payouts"),
}

EMAIL_JOB = "send_notification_email"
PUSH_JOB = "send_notification_push"


@dataclass(frozen=True, slots=True)
class Recipient:
    kind: str  # PrincipalKind.STAFF or PrincipalKind.CLIENT value
    id: int  # StaffMember.id or Contact.id


@dataclass(frozen=True, slots=True)
class Event:
    kind: str  # one of KINDS
    # "New message from Ada Lovelace". Texts for clients are lazy_gettext strings: each
    # client's copy is written in their language (staff read English).
    title: Any
    body: Any  # plain-text excerpt; truncated here
    path: str  # path on the tenant host: "/messages/12" or "/admin/inbox/12"
    group_key: str  # "thread:12": one email per recipient and key within GROUP_WINDOW
    account_id: int | None = None


def notify(tenant: TenantSnapshot, recipients: Iterable[Recipient], event: Event) -> None:
    """Save in-app notifications in the caller's session (committed with the caller's
    transaction); after commit, schedule email and push jobs. Never raises for delivery
    problems. Deactivated staff and contacts without portal access are skipped."""
    people = _reachable(tenant, set(recipients), event.account_id)
    if not people:
        return
    languages = _languages(tenant, people)
    rows = []
    for person in sorted(people, key=lambda p: (p.kind, p.id)):
        with force_locale(languages.get(person, "en")):
            title, body = str(event.title), str(event.body)
        rows.append(
            Notification(
                tenant_id=tenant.id,
                recipient_kind=person.kind,
                recipient_id=person.id,
                kind=event.kind[:40],
                title=title.strip()[:200] or KINDS.get(event.kind, "Notification"),
                body=truncate(body, BODY_LIMIT),
                path=_safe_path(event.path),
                group_key=event.group_key[:100],
                account_id=event.account_id,
            )
        )
    db.session.add_all(rows)
    after_commit(
        _schedule_emails,
        *((tenant.id, r.recipient_kind, r.recipient_id, r.group_key) for r in rows),
    )
    with_devices = _with_devices(tenant.id, people)
    pushed = [r for r in rows if Recipient(r.recipient_kind, r.recipient_id) in with_devices]
    if pushed:
        after_commit(_schedule_pushes, *pushed)


def mark_viewing(tenant: TenantSnapshot, recipient: Recipient, group_key: str) -> None:
    """The person has this thread open now (called by thread pages and their live-update poll):
    suppresses emails for group_key for ~60 s. Stored in Redis (redis_store) so every process
    sees it. Its in-app notifications are marked read too, in the caller's transaction."""
    mark_group_read(tenant, recipient, group_key)
    key = _key("viewing", tenant.id, recipient.kind, recipient.id, group_key)
    redis = get_redis()
    if redis is None:
        _local_viewing()[key] = time.monotonic() + VIEWING_SECONDS
        return
    try:
        redis.set(key, "1", ex=VIEWING_SECONDS)
    except RedisError as exc:
        log.warning("viewing mark not stored: %s", exc)


def is_viewing(tenant_id: int, recipient: Recipient, group_key: str) -> bool:
    key = _key("viewing", tenant_id, recipient.kind, recipient.id, group_key)
    redis = get_redis()
    if redis is None:
        return _local_viewing().get(key, 0.0) > time.monotonic()
    try:
        return bool(redis.exists(key))
    except RedisError:
        return False  # better one email too many than a lost one


def unread_count(tenant: TenantSnapshot, recipient: Recipient) -> int:
    return int(
        db.session.scalar(select(func.count(Notification.id)).where(*_unread(tenant.id, recipient)))
        or 0
    )


@functools.cache
def unread_part(kind: str) -> Select[Any]:
    """The bell's count of the person CONTACT of this `kind`, as one row of a page's combined
    statement (core.waiting)."""
    query = select(*shaped("unread notifications", number=func.count(Notification.id)))
    return query.where(
        Notification.tenant_id == TENANT,
        Notification.recipient_kind == kind,
        Notification.recipient_id == CONTACT,
        Notification.read_at.is_(None),
    )


def _unread(tenant_id: int, recipient: Recipient) -> tuple[Any, ...]:
    return (Notification.tenant_id == tenant_id, *_of(recipient), Notification.read_at.is_(None))


def mark_group_read(tenant: TenantSnapshot, recipient: Recipient, group_key: str) -> int:
    """The person opened the object (a thread, a request): its notifications are read; the
    caller commits. Returns how many changed."""
    result = db.session.execute(
        update(Notification)
        .where(
            Notification.tenant_id == tenant.id,
            *_of(recipient),
            Notification.group_key == group_key,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def group_window() -> float:
    """Seconds a first notification waits for others of its group (NOTIFICATION_GROUP_WINDOW)."""
    return float(current_app.config["NOTIFICATION_GROUP_WINDOW"])


def truncate(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _of(recipient: Recipient) -> tuple[Any, ...]:
    return (
        Notification.recipient_kind == recipient.kind,
        Notification.recipient_id == recipient.id,
    )


def _safe_path(path: str) -> str:
    """A path on the tenant's own host: anything else (a full URL, `//evil`) becomes `/`."""
    path = path.strip()
    if not path.startswith("/") or path.startswith("//") or "\\" in path or len(path) > 500:
        return "/"
    return path


def _reachable(
    tenant: TenantSnapshot, recipients: set[Recipient], account_id: int | None
) -> set[Recipient]:
    """Active staff and contacts with portal access (to the event's account, if it has one)."""
    staff_ids = {r.id for r in recipients if r.kind == PrincipalKind.STAFF}
    client_ids = {r.id for r in recipients if r.kind == PrincipalKind.CLIENT}
    found: set[Recipient] = set()
    if staff_ids:
        active = db.session.scalars(
            select(StaffMember.id).where(
                StaffMember.tenant_id == tenant.id,
                StaffMember.id.in_(staff_ids),
                StaffMember.disabled_at.is_(None),
            )
        )
        found.update(Recipient(PrincipalKind.STAFF.value, i) for i in active)
    if client_ids:
        criteria: list[ColumnElement[bool]] = [
            AccountContact.contact_id.in_(client_ids),
            AccountContact.login_enabled.is_(True),
        ]
        if account_id is not None:
            criteria.append(AccountContact.account_id == account_id)
        with_access = db.session.scalars(
            select(AccountContact.contact_id)
            .distinct()
            .where(AccountContact.tenant_id == tenant.id, *criteria)
        )
        found.update(Recipient(PrincipalKind.CLIENT.value, i) for i in with_access)
    return found


def _languages(tenant: TenantSnapshot, people: set[Recipient]) -> dict[Recipient, str]:
    """Each client's language (one query); staff are absent and read English."""
    client_ids = {p.id for p in people if p.kind == PrincipalKind.CLIENT}
    if not client_ids:
        return {}
    chosen = db.session.execute(
        select(Contact.id, Contact.language).where(
            Contact.tenant_id == tenant.id, Contact.id.in_(client_ids)
        )
    )
    return {
        Recipient(PrincipalKind.CLIENT.value, contact_id): language_for(language, tenant)
        for contact_id, language in chosen
    }


def _with_devices(tenant_id: int, people: set[Recipient]) -> set[Recipient]:
    """Who of these people has at least one push device: no push job for the others."""
    rows = db.session.execute(
        select(PushSubscription.recipient_kind, PushSubscription.recipient_id)
        .distinct()
        .where(
            PushSubscription.tenant_id == tenant_id,
            PushSubscription.recipient_id.in_({p.id for p in people}),
        )
    ).all()
    return {Recipient(kind, recipient_id) for kind, recipient_id in rows} & people


def _key(*parts: object) -> str:
    prefix = current_app.config["REDIS_KEY_PREFIX"]
    return prefix + "notifications:" + ":".join(str(part) for part in parts)


def _local_viewing() -> dict[str, float]:
    """Embedded mode has one process: its memory is as shared as Redis would be."""
    store: dict[str, float] = current_app.extensions.setdefault("foyer.notifications.viewing", {})
    return store


def _schedule_emails(*groups: tuple[int, str, int, str]) -> None:
    """One delayed email job per person and group: a Redis key set with NX tells whether one
    is already waiting (without Redis a second job simply finds nothing left to send)."""
    for tenant_id, kind, recipient_id, group_key in groups:
        try:
            schedule_email(tenant_id, kind, recipient_id, group_key, group_window())
        except Exception:  # delivery must never break the caller; the sweep retries
            log.exception("email job not scheduled for %s:%s %s", kind, recipient_id, group_key)


def schedule_email(
    tenant_id: int, kind: str, recipient_id: int, group_key: str, delay: float
) -> None:
    redis = get_redis()
    if redis is not None:
        pending = _key("pending", tenant_id, kind, recipient_id, group_key)
        try:
            if not redis.set(pending, "1", nx=True, ex=int(delay) + 120):
                return
        except RedisError:
            pass  # enqueue will fail too and log it; the sweep picks the group up later
    enqueue(EMAIL_JOB, tenant_id, kind, recipient_id, group_key, delay=delay)


def release_pending(tenant_id: int, kind: str, recipient_id: int, group_key: str) -> None:
    """The email job started: the next notification of the group schedules a new one."""
    redis = get_redis()
    if redis is None:
        return
    try:
        redis.delete(_key("pending", tenant_id, kind, recipient_id, group_key))
    except RedisError:
        pass  # the key expires by itself


def _schedule_pushes(*rows: Notification) -> None:
    """The identity key holds each id after the commit without loading the expired rows."""
    for row in rows:
        identity = inspect(row).identity
        if identity is None:
            continue
        try:
            enqueue(PUSH_JOB, identity[0])
        except Exception:  # delivery must never break the caller
            log.exception("push job not scheduled for notification %s", identity[0])


def recipient_rows(tenant: TenantSnapshot | int, recipient: Recipient) -> Any:
    """A scoped select of one person's notifications, newest first."""
    return owned(Notification, tenant, *_of(recipient)).order_by(Notification.id.desc())
