"""Interface: the REST API under /api/v1 (bearer tokens, OpenAPI 3.1 document, JSON errors),
calling the same domain services as the web pages.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, request

from portal.api import clients, errors, invitations, messaging
from portal.api.auth import add_rate_headers, authenticate_request
from portal.api.openapi import document, reference_html
from portal.api.routing import bp
from portal.core.extensions import csrf

RESOURCES = (clients, invitations, messaging)  # importing them registers their operations


@bp.get("/openapi.json")
def openapi_json() -> Any:
    return jsonify(document())


@bp.get("/docs")
def docs() -> Any:
    return reference_html()


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
