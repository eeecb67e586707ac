"""Profile and passwordless objects for the cross-tenant probe: a device session of a contact,
an email change waiting for its link and an emailed sign-in code (the raw tokens returned)."""

from __future__ import annotations

from datetime import timedelta

from portal.auth.models import EmailChange, SignInCode
from portal.auth.sessions import SignInSession
from portal.auth.tokens import hash_token, new_token
from portal.core.database import utcnow
from portal.core.extensions import db


def profile_objects(
    tenant_id: int, contact_id: int, email: str, marker: str
) -> tuple[dict[str, int], list[str]]:
    """({session_id}, [email change token, sign-in link token]) of the contact."""
    session = SignInSession(
        tenant_id=tenant_id,
        principal_kind="client",
        principal_id=contact_id,
        key_hash=hash_token(new_token()[0]),
        device=f"{marker} browser"[:80],
    )
    change_raw, change_hash = new_token()
    link_raw, link_hash = new_token()
    later = utcnow() + timedelta(hours=1)
    db.session.add_all(
        [
            session,
            EmailChange(
                tenant_id=tenant_id,
                contact_id=contact_id,
                new_email=f"new.{email}",
                token_hash=change_hash,
                expires_at=later,
            ),
            SignInCode(
                tenant_id=tenant_id,
                email=email,
                code_hash="unused",
                link_hash=link_hash,
                expires_at=later,
            ),
        ]
    )
    db.session.flush()
    return {"session_id": session.id}, [change_raw, link_raw]
