"""Messages and requests for the cross-tenant probe's world: a thread with a message, an
attachment row and a read pointer, a request with its type and a service, all named with the
owner's marker."""

from __future__ import annotations

from portal.core.extensions import db
from portal.messaging.models import (
    ClientRequest,
    Message,
    MessageAttachment,
    ReadState,
    RequestType,
    Service,
    Thread,
)


def messaging_objects(
    tenant_id: int,
    account_id: int,
    contact_id: int,
    staff_id: int,
    marker: str,
    firm_marker: str | None = None,
) -> dict[str, int]:
    """`marker` names the account's rows; types and services are the firm's (every client of
    it sees them), so they carry `firm_marker`."""
    firm_marker = firm_marker or marker
    thread = Thread(
        tenant_id=tenant_id,
        account_id=account_id,
        subject=f"Conversation of {marker}",
        created_by_kind="client",
        created_by_id=contact_id,
        assigned_staff_id=staff_id,
    )
    kind = RequestType(tenant_id=tenant_id, name=f"Type {account_id} of {firm_marker}")
    service = Service(tenant_id=tenant_id, name=f"Service of {firm_marker}", description="")
    db.session.add_all([thread, kind, service])
    db.session.flush()
    message = Message(
        tenant_id=tenant_id,
        thread_id=thread.id,
        author_kind="client",
        author_id=contact_id,
        author_name=marker,
        body=f"Message body of {marker}",
    )
    db.session.add(message)
    db.session.flush()
    thread.last_client_message_id = message.id
    request_thread = Thread(
        tenant_id=tenant_id,
        account_id=account_id,
        subject=f"Request thread of {marker}",
        created_by_kind="client",
        created_by_id=contact_id,
    )
    db.session.add(request_thread)
    db.session.flush()
    attachment = MessageAttachment(
        tenant_id=tenant_id, message_id=message.id, file_id=999_999, name=f"{marker}.pdf", size=1
    )
    request = ClientRequest(
        tenant_id=tenant_id,
        account_id=account_id,
        thread_id=request_thread.id,
        type_id=kind.id,
        service_id=service.id,
        subject=f"Request of {marker}",
        details=f"Details of {marker}",
        created_by_contact_id=contact_id,
    )
    read = ReadState(
        tenant_id=tenant_id,
        thread_id=thread.id,
        reader_kind="staff",
        reader_id=staff_id,
        last_read_message_id=0,
    )
    db.session.add_all([attachment, request, read])
    db.session.flush()
    return {
        "thread_id": thread.id,
        "request_id": request.id,
        "attachment_id": attachment.id,
        "type_id": kind.id,
        "service_id": service.id,
        "staff_id": staff_id,
    }
