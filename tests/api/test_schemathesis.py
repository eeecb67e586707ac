"""Property-based run of schemathesis against the OpenAPI document, in-process over WSGI:
no 5xx, documented status codes and content types, responses that match their schemas, and
every operation refused without a token."""

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

from tests.fixtures.tenants import PLATFORM_DOMAIN

HOST = f"acme.{PLATFORM_DOMAIN}"


def on_tenant_host(app: Flask) -> Callable[..., Iterable[bytes]]:
    """The WSGI app as seen on the tenant's host (schemathesis' client sends its own Host)."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ["HTTP_HOST"] = HOST
        return app.wsgi_app(environ, start_response)

    return wsgi


@pytest.mark.slow
def test_api_conforms_to_its_openapi_document(app: Flask, tenant: Any, make_token: Any) -> None:
    # A plain loop over the operations (not schemathesis' pytest plugin, whose lazy fixtures
    # do not combine with the suite's --db parametrisation): 5 examples each.
    headers = {"Authorization": f"Bearer {make_token(tenant)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", on_tenant_host(app))
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        ignored_auth,
    ]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=5,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=checks)

        run()
