"""Tenants: the firm as the platform sees it and everything about where it lives: the `Tenant`
and `Domain` models, host normalisation, host → tenant resolution and its cache, custom web
domains (`webdomains`), the `TenantOwned` mixin with scoped lookups, provisioning and the TLS
`ask` endpoint. Imports only `portal.core`."""

from __future__ import annotations

from flask import Flask

from tenants import resolution, tls


def init_app(app: Flask) -> None:
    resolution.init_app(app)
    app.register_blueprint(tls.bp)
