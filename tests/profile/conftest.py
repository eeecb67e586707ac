"""An active client with a password, signed in on one or more devices (test clients)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from portal.core.extensions import db
from tenants.models import Tenant
from tenants.resolution import forget_tenants
from tests.fixtures.people import CLIENT_PASSWORD, invite_link_in, tenant_host
from tests.fixtures.smtp import text_of
from tests.fixtures.tenants import HostClient, csrf_from

CLIENT_EMAIL = "ivy@client.example"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def active_client(create_client, accept_invitation, smtp) -> Callable[..., HostClient]:  # type: ignore[no-untyped-def]
    """Create a client through the dashboard and accept the invitation; returns their client."""

    def make(email: str = CLIENT_EMAIL, account: str = "Jones Household") -> HostClient:
        create_client(email, account)
        return accept_invitation(invite_link_in(text_of(smtp.wait_for(1, to=email)[-1])))

    return make


@pytest.fixture
def device(client_for, tenant) -> Callable[..., HostClient]:  # type: ignore[no-untyped-def]
    """Another browser (its own cookies and user agent) signing in with the password."""

    def sign_in(
        user_agent: str = FIREFOX, email: str = CLIENT_EMAIL, password: str = CLIENT_PASSWORD
    ) -> HostClient:
        browser: HostClient = client_for(tenant_host(tenant))
        browser.environ_base["HTTP_USER_AGENT"] = user_agent
        response = browser.submit("/sign-in", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return browser

    return sign_in


def post(client: HostClient, path: str, data: dict[str, Any] | None = None, page: str = "/profile"):  # type: ignore[no-untyped-def]
    """A form post with the CSRF token of `page`, as the browser would send it."""
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **(data or {})})


def settings(tenant_id: int, **values: Any) -> None:
    tenant = db.session.get(Tenant, tenant_id)
    for key, value in values.items():
        setattr(tenant, key, value)
    db.session.commit()
    forget_tenants()


SESSION_ROW = re.compile(r'action="/profile/sessions/(\d+)/sign-out"')
