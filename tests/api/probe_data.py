"""API objects for the cross-tenant probes: a tenant's API token and webhook endpoint (the
security probe's world), and `api_world`: one object of a tenant for every id an API route
takes, each named with a marker that must never show up in another tenant's answers."""

from __future__ import annotations

from typing import Any

from portal.auth.api_tokens import create_token
from portal.clients import directory
from portal.clients.models import Contact
from portal.core.extensions import db
from portal.webhooks.models import WebhookEndpoint
from portal.webhooks.service import new_secret
from tenants.webdomains.service import claim_domain
from tests.billing.probe_data import billing_objects
from tests.files.probe_data import file_objects
from tests.messaging.probe_data import messaging_objects


def api_objects(tenant_id: int, label: str) -> dict[str, int]:
    token, _ = create_token(tenant_id, f"{label} token", write=True)
    endpoint = WebhookEndpoint(
        tenant_id=tenant_id,
        url=f"https://hooks.example/{label.replace(' ', '-')}",
        secret=new_secret(),
        events="client.invited",
    )
    db.session.add(endpoint)
    db.session.flush()
    return {"token_id": token.id, "endpoint_id": endpoint.id}


def api_world(tenant_id: int, staff_id: int, marker: str) -> dict[str, Any]:
    """Ids of one of each: account, contact (a sign-up), thread, request, domain, folder,
    file, invoice; the caller commits."""
    account = directory.create_account(tenant_id, f"{marker} account", "household")
    contact = Contact(
        tenant_id=tenant_id,
        email=f"signup@{marker.lower()}.example",
        name=f"{marker} sign-up",
        self_registered=True,
    )
    db.session.add(contact)
    db.session.flush()
    directory.add_contact(tenant_id, account, contact.email, contact.name, login=True)
    domain = claim_domain(tenant_id, f"portal.{marker.lower()}.example")
    db.session.flush()
    ids: dict[str, Any] = {
        "account_id": account.id,
        "contact_id": contact.id,
        "domain_id": domain.id,
        "tenant_id": tenant_id,
    }
    ids |= messaging_objects(tenant_id, account.id, contact.id, staff_id, marker)
    ids |= file_objects(tenant_id, account.id, staff_id, marker)
    ids |= billing_objects(tenant_id, account.id, marker)
    return ids
