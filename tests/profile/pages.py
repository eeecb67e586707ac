"""Rows the phone-size and accessibility browser test needs for the profile and passwordless
pages: the firm offers emailed sign-in codes, and a sign-in link and an email-change link wait."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from portal.auth.models import EmailChange, SignInCode
from portal.auth.tokens import new_token
from portal.clients.models import Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.models import ClientSignIn, Tenant
from tenants.resolution import forget_tenants

if TYPE_CHECKING:  # client_pages imports this module for its page list
    from tests.e2e.client_pages import Seed


def profile_seed(seed: Seed) -> Mapping[str, object]:
    """{sign_in_token, email_change_token}: links as the emails carry them."""
    tenant = db.session.get(Tenant, seed.tenant_id)
    contact = db.session.get(Contact, seed.contact_id)
    assert tenant is not None and contact is not None
    tenant.client_sign_in = ClientSignIn.PASSWORD_OR_EMAIL
    link_raw, link_hash = new_token()
    change_raw, change_hash = new_token()
    later = utcnow() + timedelta(hours=1)
    db.session.add_all(
        [
            SignInCode(
                tenant_id=tenant.id,
                email=contact.email,
                code_hash="unused",
                link_hash=link_hash,
                expires_at=later,
            ),
            EmailChange(
                tenant_id=tenant.id,
                contact_id=contact.id,
                new_email=f"new.{contact.email}",
                token_hash=change_hash,
                expires_at=later,
            ),
        ]
    )
    db.session.commit()
    forget_tenants()
    return {"sign_in_token": link_raw, "email_change_token": change_raw}
