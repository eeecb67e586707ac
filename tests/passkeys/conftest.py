"""Fixtures for the passkey tests: a software authenticator and the ceremony steps over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from portal.clients import directory
from tests.fixtures.people import add_client_login, sign_in_client, tenant_host
from tests.fixtures.tenants import HostClient, csrf_from
from tests.passkeys.authenticator import SoftAuthenticator

CLIENT_PASSWORD = "copper lantern meadow 93"


def options(client: HostClient, page: str, url: str) -> Any:
    """POST for a ceremony's options, the way passkeys.js does (CSRF token in a header)."""
    token = csrf_from(client.get(page).get_data(as_text=True))
    response = client.post(url, headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def add_passkey(
    client: HostClient, key: SoftAuthenticator, prefix: str = "/admin", name: str = "My laptop"
) -> Any:
    """Register a passkey through the Security pages; returns the final response."""
    page = f"{prefix}/security/passkeys/new"
    answer = key.create(options(client, page, f"{prefix}/security/passkeys/options"))
    return client.submit(page, {"name": name, "credential": answer})


def passkey_sign_in(
    client: HostClient, key: SoftAuthenticator, prefix: str = "/admin", **get: Any
) -> Any:
    """Sign in with a passkey from the sign-in page (no password)."""
    page = f"{prefix}/sign-in"
    answer = key.get(options(client, page, f"{prefix}/sign-in/passkey/options"), **get)
    return client.submit(page, {"credential": answer}, action=f"{prefix}/sign-in/passkey")


@pytest.fixture
def key(tenant: Any) -> SoftAuthenticator:
    return SoftAuthenticator(origin=f"https://{tenant_host(tenant)}")


@pytest.fixture
def make_client(tenant: Any, client_for: Callable[[str], HostClient]) -> Callable[..., HostClient]:
    """A client contact with portal access, signed in with their password."""

    def make(email: str = "carol@birch.example") -> HostClient:
        account = directory.create_account(tenant.id, "Birch Household", "household")
        add_client_login(tenant.id, account.id, email, password=CLIENT_PASSWORD)
        return sign_in_client(client_for(tenant_host(tenant)), email, CLIENT_PASSWORD)

    return make
