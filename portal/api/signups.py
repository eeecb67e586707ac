"""Self-registrations (sign-ups): pending ones wait for their email code, verified ones can
sign in. Read-only, like the staff Sign-ups page."""

from __future__ import annotations

from typing import Any

from flask import request

from portal.api import firm_schemas as schemas
from portal.api.errors import ApiError
from portal.api.routing import operation, page_of, tenant
from portal.clients.models import Contact
from tenants.scoping import get_owned, owned

STATUSES = ("pending", "verified")


def signup_json(contact: Contact) -> dict[str, Any]:
    return schemas.Signup(
        id=contact.id,
        email=contact.email,
        name=contact.name,
        status="verified" if contact.activated_at is not None else "pending",
        created_at=contact.created_at,
        verified_at=contact.activated_at,
    ).model_dump(mode="json")


@operation(
    "get",
    "/signups",
    "List sign-ups (pending: email not verified yet; verified)",
    schemas.SignupList,
    paged=True,
    tag="signups",
    query={"status": {"type": "string", "enum": list(STATUSES)}},
)
def list_signups() -> Any:
    status = request.args.get("status", "pending")
    if status not in STATUSES:
        raise ApiError(422, "Unknown status.", {"status": "pending | verified"})
    verified = Contact.activated_at.is_not(None)
    query = owned(
        Contact,
        tenant(),
        Contact.self_registered.is_(True),
        verified if status == "verified" else Contact.activated_at.is_(None),
    )
    rows, cursor = page_of(query, Contact.id)
    return {"data": [signup_json(c) for c in rows], "next_cursor": cursor}


@operation("get", "/signups/<int:contact_id>", "One sign-up", schemas.Signup, tag="signups")
def get_signup(contact_id: int) -> Any:
    contact = get_owned(Contact, tenant(), contact_id)
    if contact is None or not contact.self_registered:
        raise ApiError(404, "No such sign-up.")
    return signup_json(contact)
