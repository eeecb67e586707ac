"""Interface: the REST API under /api/v1 (bearer tokens, OpenAPI 3.1 document, JSON errors),
calling the same domain services as the web pages.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, request

from portal.api import (
    clients,
    domains,
    errors,
    files,
    invitations,
    invoices,
    messaging,
    settings,
    signups,
    tenants,
)
from portal.api.auth import add_rate_headers, authenticate_request, on_platform_host
from portal.api.errors import ApiError
from portal.api.openapi import document, reference_html
from portal.api.routing import bp
from portal.core.extensions import csrf
from tenants.hosts import normalize_host
from tenants.resolution import any_host, tenant_for_host

# Importing them registers their operations.
RESOURCES = (clients, invitations, messaging, signups, domains, settings, files, invoices, tenants)


def _operator_audience() -> bool:
    """The platform host describes the operator API, a tenant host the firm API."""
    if on_platform_host():
        return True
    if tenant_for_host(normalize_host(request.environ.get("HTTP_HOST")) or "") is None:
        raise ApiError(404, "Not found.")
    return False


@bp.get("/openapi.json")
@any_host
def openapi_json() -> Any:
    return jsonify(document(_operator_audience()))


@bp.get("/docs")
@any_host
def docs() -> Any:
    return reference_html(_operator_audience())


PUBLIC = {"api.openapi_json", "api.docs"}


def _authenticate() -> Any:
    if request.endpoint in PUBLIC:
        return None
    return authenticate_request()


bp.before_request(_authenticate)
bp.after_request(add_rate_headers)


def init_app(app: Flask) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)
    errors.init_app(app)
