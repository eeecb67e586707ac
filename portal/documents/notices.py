"""Who hears about a document request, and how: emails that carry a no-login link, and the
in-app notifications of the notification centre."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext
from sqlalchemy import select, update

from portal.auth.principals import PrincipalKind
from portal.clients.models import AccountContact, ClientAccount, Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.documents import links
from portal.documents.models import DocumentRequest
from portal.files.models import ClientFile
from portal.mail.compose import queue_email
from portal.notifications.models import Notification
from portal.notifications.service import Event, Recipient, notify
from tenants.context import tenant_url
from tenants.snapshot import TenantSnapshot

REQUESTED_KIND = "document_requested"
REMINDER_KIND = "document_reminder"
SHARED_KIND = "file_shared"
REOPENED_KIND = "document_reopened"
SENT_DIRECTLY = "sent by documents"


@dataclass(frozen=True, slots=True)
class Addressee:
    contact: Contact
    has_access: bool


@dataclass(frozen=True, slots=True)
class Item:
    """One request in an email: its title, due date and the link that acts on it."""

    request: DocumentRequest
    link: str


def addressees(tenant_id: int, account_id: int) -> list[Addressee]:
    """The account's contacts, with whether they may sign in to the portal."""
    rows = db.session.execute(
        select(Contact, AccountContact.login_enabled)
        .join(
            AccountContact,
            (AccountContact.tenant_id == Contact.tenant_id)
            & (AccountContact.contact_id == Contact.id),
        )
        .where(Contact.tenant_id == tenant_id, AccountContact.account_id == account_id)
        .order_by(Contact.id)
    ).all()
    return [Addressee(contact, bool(login) and contact.can_sign_in) for contact, login in rows]


def request_path(request_id: int) -> str:
    return f"/documents/{request_id}"


def announce(
    tenant: TenantSnapshot, account: ClientAccount, requests: Sequence[DocumentRequest], kind: str
) -> int:
    """Email every contact of the account about `requests` (new ones, or a reminder), each
    request with its own no-login upload link when the firm allows them; contacts with portal
    access also get an in-app notification. Returns the emails queued; the caller commits."""
    sent = 0
    portal_link = tenant_url(tenant.canonical_host, "documents.index")
    for person in addressees(tenant.id, account.id):
        items = [
            Item(request, links.issue(tenant, person.contact.email, request=request) or "")
            for request in requests
        ]
        queue_email(
            tenant,
            person.contact.email,
            kind,
            contact=person.contact,
            account_name=account.name,
            items=items,
            portal_link=portal_link if person.has_access else "",
        )
        sent += 1
    if kind == REQUESTED_KIND:
        _in_app(tenant, account, requests)
    return sent


def _in_app(
    tenant: TenantSnapshot, account: ClientAccount, requests: Sequence[DocumentRequest]
) -> None:
    """The notification centre shows each request; its email went out above, so the rows are
    marked emailed and the notification pipeline does not send a second one."""
    recipients = [
        Recipient(PrincipalKind.CLIENT.value, person.contact.id)
        for person in addressees(tenant.id, account.id)
        if person.has_access
    ]
    if not recipients:
        return
    for request in requests:
        notify(
            tenant,
            recipients,
            Event(
                kind="document.requested",
                title=lazy_gettext("Document requested: %(title)s", title=request.title),
                body=request.notes,
                path=request_path(request.id),
                group_key=f"document:{request.id}",
                account_id=account.id,
            ),
        )
    db.session.flush()
    db.session.execute(
        update(Notification)
        .where(
            Notification.tenant_id == tenant.id,
            Notification.kind == "document.requested",
            Notification.group_key.in_([f"document:{r.id}" for r in requests]),
            Notification.emailed_at.is_(None),
        )
        .values(emailed_at=utcnow(), email_note=SENT_DIRECTLY)
        .execution_options(synchronize_session=False)
    )


def uploaded(tenant: TenantSnapshot, request: DocumentRequest, file: ClientFile, by: str) -> None:
    """The requesting staff member hears of the upload (grouped per request by the pipeline)."""
    if request.requested_by_id is None:
        return
    notify(
        tenant,
        [Recipient(PrincipalKind.STAFF.value, request.requested_by_id)],
        Event(
            kind="document.uploaded",
            title=f"{by} uploaded {file.name}",
            body=f"For the document request “{request.title}”.",
            path=f"/admin/documents/{request.id}",
            group_key=f"document:{request.id}",
            account_id=request.account_id,
        ),
    )


def reviewed(tenant: TenantSnapshot, request: DocumentRequest, accepted: bool) -> None:
    """The account's contacts with portal access hear whether the firm accepted the upload
    (notification centre); when it is reopened, those without access get an email with a fresh
    upload link, since they have no portal to look in."""
    people = addressees(tenant.id, request.account_id)
    if not accepted:
        for person in people:
            link = (
                None
                if person.has_access
                else links.issue(tenant, person.contact.email, request=request)
            )
            if link is not None:
                queue_email(
                    tenant,
                    person.contact.email,
                    REOPENED_KIND,
                    contact=person.contact,
                    request=request,
                    link=link,
                )
    recipients = [
        Recipient(PrincipalKind.CLIENT.value, person.contact.id)
        for person in people
        if person.has_access
    ]
    if not recipients:
        return
    title = (
        lazy_gettext("%(title)s: received, thank you", title=request.title)
        if accepted
        else lazy_gettext("%(title)s: please upload it again", title=request.title)
    )
    notify(
        tenant,
        recipients,
        Event(
            kind="document.reviewed",
            title=title,
            body=request.review_comment,
            path=request_path(request.id),
            group_key=f"document:{request.id}",
            account_id=request.account_id,
        ),
    )


def share_file(tenant: TenantSnapshot, file: ClientFile, contact: Contact, sender: str) -> str:
    """Email `contact` a view link to one file; returns the address. The caller commits."""
    link = links.issue(tenant, contact.email, file=file)
    if link is None:
        raise ValueError("no-login links are off")
    queue_email(
        tenant,
        contact.email,
        SHARED_KIND,
        contact=contact,
        file_name=file.name,
        sender=sender,
        link=link,
        expiry_days=tenant.action_link_days,
    )
    return contact.email
