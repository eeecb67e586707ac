"""The current request's tenant and absolute links built from a tenant's stored canonical host."""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from werkzeug.local import LocalProxy

from tenants.snapshot import TenantSnapshot


def get_current_tenant() -> TenantSnapshot:
    """The request's tenant itself; `current_tenant` is a proxy to it."""
    tenant = g.get("tenant")
    if tenant is None:
        raise RuntimeError("no tenant resolved for this request")
    return tenant


# Typed as what it proxies, as Flask types `current_app` and `request`.
current_tenant: TenantSnapshot = LocalProxy(get_current_tenant)  # type: ignore[assignment]  # a LocalProxy


def tenant_url(canonical_host: str, endpoint: str, **values: Any) -> str:
    """Absolute URL on the tenant's canonical host; never derived from the request's Host."""
    config = current_app.config
    port = config.get("PUBLIC_PORT")
    server = f"{canonical_host}:{port}" if port else canonical_host
    adapter = current_app.url_map.bind(server, url_scheme=config["PREFERRED_URL_SCHEME"])
    return adapter.build(endpoint, values, force_external=True)
