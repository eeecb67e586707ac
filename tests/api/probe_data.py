"""A tenant's API token and webhook endpoint for the cross-tenant probe's world."""

from __future__ import annotations

from portal.auth.api_tokens import create_token
from portal.core.extensions import db
from portal.webhooks.models import WebhookEndpoint
from portal.webhooks.service import new_secret


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
