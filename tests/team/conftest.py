"""Fixtures of the team tests: signed-in teammates of each role on the acme firm."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.fixtures.people import sign_in_staff, tenant_host
from tests.fixtures.tenants import HostClient


@pytest.fixture
def signed_in(make_staff, client_for, tenant) -> Callable[..., HostClient]:  # type: ignore[no-untyped-def]
    """A teammate with `role`, signed in on the firm's host; returns their browser."""

    def make(email: str, role: str) -> HostClient:
        make_staff(tenant, email, role=role)
        client = client_for(tenant_host(tenant))
        sign_in_staff(client, email)
        return client

    return make
