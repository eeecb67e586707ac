"""No-login action links: one purpose, one object, one email address, an expiry, revocable.

The URL carries 256 random bits; the database keeps only their SHA-256. A link opens nothing
but its object: resolving it checks the tenant, the purpose, the expiry, revocation, that the
object still exists and that the bound address still belongs to a contact of the object's
account. Every failure gives the same answer (None), so nobody learns why a link died.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from portal.auth.tokens import hash_token, new_token
from portal.clients.models import AccountContact, Contact
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.documents.models import ActionLink, DocumentRequest, LinkPurpose
from portal.files.models import ClientFile
from tenants.context import tenant_url
from tenants.scoping import get_owned, owned
from tenants.snapshot import TenantSnapshot

MAX_TOKEN_LENGTH = 100


@dataclass(frozen=True, slots=True)
class Resolved:
    """A live link and what it opens: a request to upload to, or a file to view."""

    link: ActionLink
    contact: Contact
    request: DocumentRequest | None = None
    file: ClientFile | None = None

    @property
    def account_id(self) -> int:
        target = self.request or self.file
        assert target is not None
        return target.account_id


def issue(
    tenant: TenantSnapshot,
    email: str,
    *,
    request: DocumentRequest | None = None,
    file: ClientFile | None = None,
) -> str | None:
    """A new link to `request` (upload) or `file` (view) for `email`, as an absolute URL on the
    firm's canonical host; None when the firm has no-login links switched off. The caller
    commits."""
    if not tenant.action_links_enabled:
        return None
    if (request is None) == (file is None):
        raise ValueError("a link opens exactly one object")
    raw, digest = new_token()
    db.session.add(
        ActionLink(
            tenant_id=tenant.id,
            purpose=LinkPurpose.UPLOAD if request is not None else LinkPurpose.VIEW,
            request_id=request.id if request is not None else None,
            file_id=file.id if file is not None else None,
            email=email,
            token_hash=digest,
            expires_at=utcnow() + timedelta(days=tenant.action_link_days),
        )
    )
    return tenant_url(tenant.canonical_host, "actions.show", token=raw)


def resolve(tenant: TenantSnapshot, token: str) -> Resolved | None:
    """The live link behind `token` on this tenant, with its object and contact; else None."""
    if not tenant.action_links_enabled or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    link = db.session.scalar(owned(ActionLink, tenant, ActionLink.token_hash == hash_token(token)))
    if link is None or link.revoked_at is not None or link.expires_at <= utcnow():
        return None
    request = get_owned(DocumentRequest, tenant, link.request_id)
    file = get_owned(ClientFile, tenant, link.file_id)
    if link.purpose == LinkPurpose.UPLOAD and request is not None:
        account_id = request.account_id
    elif link.purpose == LinkPurpose.VIEW and file is not None and _viewable(file):
        account_id = file.account_id
    else:
        return None
    contact = _contact_of(tenant, account_id, link.email)
    if contact is None:
        return None
    return Resolved(link, contact, request if link.purpose == LinkPurpose.UPLOAD else None, file)


def mark_used(resolved: Resolved) -> None:
    resolved.link.last_used_at = utcnow()


def revoke(tenant: TenantSnapshot, link: ActionLink) -> None:
    """The link stops working at once; the caller commits."""
    if link.tenant_id != tenant.id:
        raise UserError("Link not found.")
    link.revoked_at = link.revoked_at or utcnow()


def revoke_for_request(tenant: TenantSnapshot, request_id: int) -> None:
    """Every link to a request dies with it (accepted: nothing more to upload)."""
    db.session.execute(
        update(ActionLink)
        .where(
            ActionLink.tenant_id == tenant.id,
            ActionLink.request_id == request_id,
            ActionLink.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def links_of(
    tenant: TenantSnapshot, *, request_id: int | None = None, file_id: int | None = None
) -> list[ActionLink]:
    """The links of one object, newest first (at most 100: they expire within weeks)."""
    criterion = (
        ActionLink.request_id == request_id
        if request_id is not None
        else ActionLink.file_id == file_id
    )
    return list(
        db.session.scalars(
            owned(ActionLink, tenant, criterion).order_by(ActionLink.id.desc()).limit(100)
        )
    )


def file_links_of_account(
    tenant: TenantSnapshot, account_id: int
) -> list[tuple[ActionLink, ClientFile]]:
    """The view links to an account's files, newest first (at most 100), with their file."""
    rows = db.session.execute(
        select(ActionLink, ClientFile)
        .join(
            ClientFile,
            (ClientFile.tenant_id == ActionLink.tenant_id) & (ClientFile.id == ActionLink.file_id),
        )
        .where(ActionLink.tenant_id == tenant.id, ClientFile.account_id == account_id)
        .order_by(ActionLink.id.desc())
        .limit(100)
    ).all()
    return [(row[0], row[1]) for row in rows]


def _viewable(file: ClientFile) -> bool:
    return file.deleted_at is None and not file.internal


def _contact_of(tenant: TenantSnapshot, account_id: int, email: str) -> Contact | None:
    """The account's contact with this address: a link dies when the address leaves it."""
    return db.session.scalar(
        select(Contact)
        .join(
            AccountContact,
            (AccountContact.tenant_id == Contact.tenant_id)
            & (AccountContact.contact_id == Contact.id),
        )
        .where(
            Contact.tenant_id == tenant.id,
            AccountContact.account_id == account_id,
            Contact.email == email,
        )
        .order_by(Contact.id)
        .limit(1)
    )
