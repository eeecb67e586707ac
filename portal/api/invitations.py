"""Invitations: send, send to many, resend, cancel and list the open ones (`portal.clients`)."""

from __future__ import annotations

from typing import Any

from portal.api import schemas
from portal.api.auth import current_token, parse_body
from portal.api.errors import ApiError
from portal.api.routing import operation, page_of, tenant
from portal.clients import directory
from portal.clients.invitations import (
    SendLimitReached,
    cancel_invitation,
    open_invitation,
    send_invitation,
)
from portal.clients.models import Contact, Invitation
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.scoping import get_owned, owned


def invitation_json(invitation: Invitation) -> dict[str, Any]:
    return schemas.Invitation(
        id=invitation.id,
        contact_id=invitation.contact_id,
        email=invitation.email,
        send_count=invitation.send_count,
        expires_at=invitation.expires_at,
        last_sent_at=invitation.last_sent_at,
    ).model_dump(mode="json")


def _send(contact_id: int, message: str) -> Invitation:
    contact = get_owned(Contact, tenant(), contact_id)
    if contact is None:
        raise ApiError(404, "No such contact.")
    if contact.activated_at is not None:
        raise UserError(f"{contact.email} has already activated their portal access.", "contact_id")
    if not directory.has_login(tenant().id, contact.id):
        raise UserError("Turn on portal access for this contact first.", "contact_id")
    label = f"API ({current_token().name})"
    return send_invitation(tenant(), contact, invited_by=label, personal_message=message)


@operation(
    "get",
    "/invitations",
    "List open invitations",
    schemas.InvitationList,
    paged=True,
    tag="invitations",
)
def list_invitations() -> Any:
    query = owned(
        Invitation,
        tenant(),
        Invitation.accepted_at.is_(None),
        Invitation.cancelled_at.is_(None),
        Invitation.expires_at > utcnow(),
    )
    rows, cursor = page_of(query, Invitation.id)
    return {"data": [invitation_json(i) for i in rows], "next_cursor": cursor}


@operation(
    "post",
    "/invitations",
    "Send (or resend) a contact's invitation",
    schemas.Invitation,
    body=schemas.InvitationCreate,
    status=201,
    tag="invitations",
)
def create_invitation() -> Any:
    data = parse_body(schemas.InvitationCreate)
    invitation = _send(data.contact_id, data.personal_message)
    db.session.commit()
    return invitation_json(invitation), 201


@operation(
    "post",
    "/invitations/bulk",
    "Invite several contacts",
    schemas.InvitationBulkResult,
    body=schemas.InvitationBulk,
    tag="invitations",
)
def bulk_invitations() -> Any:
    data = parse_body(schemas.InvitationBulk)
    sent: list[Invitation] = []
    skipped: dict[str, str] = {}
    for contact_id in dict.fromkeys(data.contact_ids):
        try:
            sent.append(_send(contact_id, data.personal_message))
        except (UserError, ApiError, SendLimitReached) as exc:
            skipped[str(contact_id)] = getattr(exc, "message", str(exc))
    db.session.commit()
    return {"data": [invitation_json(i) for i in sent], "skipped": skipped}


@operation(
    "post",
    "/contacts/<int:contact_id>/invitation/resend",
    "Resend a contact's invitation",
    schemas.Invitation,
    tag="invitations",
)
def resend_invitation(contact_id: int) -> Any:
    invitation = _send(contact_id, "")
    db.session.commit()
    return invitation_json(invitation)


@operation(
    "delete",
    "/contacts/<int:contact_id>/invitation",
    "Cancel a contact's open invitation",
    None,
    status=204,
    tag="invitations",
)
def delete_invitation(contact_id: int) -> Any:
    contact = get_owned(Contact, tenant(), contact_id)
    if contact is None or open_invitation(tenant().id, contact.id) is None:
        raise ApiError(404, "No open invitation for this contact.")
    cancel_invitation(tenant().id, contact.id)
    db.session.commit()
    return "", 204
