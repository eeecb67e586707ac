"""Every 4xx/5xx under /api answers `{"error": {"code", "message", "fields"}}`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, jsonify, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from portal.core.errors import UserError

PREFIX = "/api/"
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


class ApiError(Exception):
    """Raised by API views for an answer other than success."""

    def __init__(
        self, status: int, message: str, fields: dict[str, str] | None = None, code: str = ""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}
        self.code = code or CODES.get(status, "error")


def error_json(
    status: int, message: str, fields: dict[str, str] | None = None, code: str = ""
) -> Response:
    body = {"code": code or CODES.get(status, "error"), "message": message, "fields": fields or {}}
    response = jsonify(error=body)
    response.status_code = status
    return response


def validation_fields(error: ValidationError) -> dict[str, str]:
    return {".".join(str(p) for p in item["loc"]) or "body": item["msg"] for item in error.errors()}


def init_app(app: Flask) -> None:
    """Wrap the app's HTTP error handler (core.errors) so /api paths get JSON, whatever the
    route or the host; everything else keeps its branded page."""
    handlers = app.error_handler_spec.setdefault(None, {}).setdefault(None, {})
    previous: Callable[[Any], Any] | None = handlers.get(HTTPException)

    def http_error(error: HTTPException) -> Any:
        if request.path.startswith(PREFIX) and (error.code or 0) >= 400:
            message = error.description or "Error"
            response = error_json(error.code or 500, str(message))
            allowed = getattr(error, "valid_methods", None)
            if error.code == 405 and allowed:
                response.headers["Allow"] = ", ".join(allowed)
            retry = getattr(error, "retry_after", None)
            if retry is not None:
                response.headers["Retry-After"] = str(retry)
            return response
        return previous(error) if previous is not None else error

    handlers[HTTPException] = http_error

    def server_error(error: Exception) -> Any:
        if request.path.startswith(PREFIX):
            if isinstance(error, ApiError):
                return error_json(error.status, error.message, error.fields, error.code)
            if isinstance(error, UserError):
                return error_json(422, str(error), {error.field or "body": str(error)})
            if isinstance(error, ValidationError):
                return error_json(422, "The request body is not valid.", validation_fields(error))
            app.logger.exception("API error", exc_info=error)
            return error_json(500, "Something went wrong on our side.")
        raise error

    app.register_error_handler(ApiError, server_error)
