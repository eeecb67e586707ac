"""Bearer-token authentication, scopes, per-token rate limits and `Idempotency-Key` replay.

Cookies are never read here: a browser session cannot call the API, so the API needs no CSRF.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from flask import current_app, g, request
from pydantic import BaseModel, ValidationError
from werkzeug.wrappers import Response

from portal.api.errors import ApiError, error_json, validation_fields
from portal.auth.api_tokens import ApiToken, authenticate, store_response, stored_response
from portal.core import ratelimit
from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.hosts import normalize_host

READ_METHODS = {"GET", "HEAD", "OPTIONS"}
CHUNK = 1 << 16
OPERATOR_ENDPOINTS: set[str] = set()  # filled by routing.operation(operator=True)


def current_token() -> ApiToken:
    return g.api_token


def on_platform_host() -> bool:
    return normalize_host(request.environ.get("HTTP_HOST")) in current_app.config["PLATFORM_HOSTS"]


def authenticate_request() -> Response | None:
    """Runs before every API view: the token must be live and belong to this host's tenant;
    operator operations exist on the platform host only and take operator tokens only."""
    operator = request.endpoint in OPERATOR_ENDPOINTS
    if operator and not on_platform_host():
        return error_json(404, "Not found.")
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    token = authenticate(raw.strip()) if scheme.lower() == "bearer" and raw.strip() else None
    tenant = g.get("tenant")
    if operator:
        belongs = token is not None and token.tenant_id is None
    else:
        belongs = token is not None and tenant is not None and token.tenant_id == tenant.id
    if token is None or not belongs:
        response = error_json(401, "A valid API token is required (Authorization: Bearer ...).")
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    g.api_token = token
    limit = current_app.config["API_RATE_LIMIT"]
    allowed, total, remaining, reset = ratelimit.window(limit, "api", token.id)
    g.api_rate = (total, remaining, reset)
    if not allowed:
        response = error_json(429, f"Too many requests. Try again in {reset} seconds.")
        response.headers["Retry-After"] = str(reset)
        return response
    if request.method not in READ_METHODS and not token.can_write:
        return error_json(403, "This token is read-only.", code="insufficient_scope")
    db.session.commit()  # last_used_at
    return None


def add_rate_headers(response: Response) -> Response:
    rate = g.get("api_rate")
    if rate is not None:
        total, remaining, reset = rate
        response.headers["RateLimit-Limit"] = str(total)
        response.headers["RateLimit-Remaining"] = str(remaining)
        response.headers["RateLimit-Reset"] = str(reset)
    return response


def parse_body(model: type[BaseModel]) -> Any:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(422, "Send a JSON object as the request body.", {"body": "JSON object"})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "The request body is not valid.", validation_fields(exc)) from exc


def guarded(view: Callable[..., Any]) -> Callable[..., Any]:
    """Turn UserError into a 422 JSON error, and replay POSTs that carry an `Idempotency-Key`."""

    @functools.wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get("Idempotency-Key", "").strip()[:200]
        if request.method == "POST" and key:
            digest = _request_digest()
            token = current_token()
            earlier = stored_response(token.id, key)
            if earlier is not None:
                if earlier.request_hash != digest:
                    raise ApiError(
                        422,
                        "This Idempotency-Key was used with a different request.",
                        {"Idempotency-Key": "reused with a different body"},
                        code="idempotency_key_reused",
                    )
                replay = current_app.response_class(
                    earlier.body, status=earlier.status, mimetype="application/json"
                )
                replay.headers["Idempotent-Replayed"] = "true"
                return replay
            response = _run(view, args, kwargs)
            if response.status_code < 500:
                store_response(
                    token.id, key, digest, response.status_code, response.get_data(as_text=True)
                )
                db.session.commit()
            return response
        return _run(view, args, kwargs)

    return run


def _request_digest() -> str:
    """What identifies a request for `Idempotency-Key`: method, path and body. A multipart
    body is hashed part by part (reading the raw body first would leave no files to parse)."""
    digest = hashlib.sha256(request.method.encode() + request.path.encode())
    if request.mimetype == "multipart/form-data":
        for name, value in sorted(request.form.items(multi=True)):
            digest.update(f"{name}={value}\n".encode())
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
            digest.update(f"{name}:{upload.filename}\n".encode())
            stream = upload.stream
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
            stream.seek(0)
    else:
        digest.update(request.get_data())
    return digest.hexdigest()


def _run(view: Callable[..., Any], args: Any, kwargs: Any) -> Response:
    try:
        result = view(*args, **kwargs)
    except UserError as exc:
        db.session.rollback()
        raise ApiError(422, exc.message, {exc.field or "body": exc.message}) from exc
    response = current_app.make_response(result)
    return response
