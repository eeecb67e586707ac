"""Emailed sign-in codes: the lookup and the email run here, so the sign-in page answers the
same, equally fast, for every address."""

from __future__ import annotations

from jobs.context import job
from portal.auth.passwordless import issue_code, offered
from portal.clients.directory import find_contacts_by_email, has_login
from portal.core.extensions import db
from tenants.resolution import snapshot_by_id


@job
def send_sign_in_code(tenant_id: int, email: str) -> bool:
    """A code for an address someone may sign in with; nothing for any other address."""
    tenant = snapshot_by_id(tenant_id)
    if tenant is None or not offered(tenant):
        return False
    if not any(
        contact.can_sign_in and has_login(tenant.id, contact.id)
        for contact in find_contacts_by_email(tenant.id, email)
    ):
        return False
    issue_code(tenant, email)
    db.session.commit()
    return True
