"""Property-based run of schemathesis against the OpenAPI document, in-process over WSGI:
no 5xx, documented status codes and content types, responses that match their schemas, and
every operation refused without a token; the firm API on a tenant host, the operator API on the
platform host."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from portal.auth.api_tokens import create_token
from portal.core.extensions import db
from tests.fixtures.tenants import PLATFORM_DOMAIN

HOST = f"acme.{PLATFORM_DOMAIN}"


def on_host(app: Flask, host: str) -> Callable[..., Iterable[bytes]]:
    """The WSGI app as seen on one host (schemathesis' client sends its own Host)."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ["HTTP_HOST"] = host
        return app.wsgi_app(environ, start_response)

    return wsgi


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    ignored_auth,
]


def conforms(app: Flask, host: str, token: str, examples: int) -> int:
    """Run every operation of the host's document; returns how many there were.

    A plain loop over the operations (not schemathesis' pytest plugin, whose lazy fixtures do
    not combine with the suite's --db parametrisation), a few derandomized examples each so
    the whole run stays bounded."""
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", on_host(app, host))
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
    return len(operations)


@pytest.mark.slow
def test_firm_api_conforms_to_its_openapi_document(
    app: Flask, tenant: Any, make_token: Any
) -> None:
    assert conforms(app, HOST, make_token(tenant), examples=2) >= 40


@pytest.mark.slow
def test_operator_api_conforms_to_its_openapi_document(app: Flask, tenant: Any) -> None:
    _, token = create_token(None, "schemathesis", write=True)
    db.session.commit()
    assert conforms(app, PLATFORM_DOMAIN, token, examples=5) >= 7
