"""Fixtures shared by the authentication tests: an active client with a password."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.fixtures.people import invite_link_in
from tests.fixtures.smtp import text_of
from tests.fixtures.tenants import HostClient

CLIENT_EMAIL = "ivy@client.example"


@pytest.fixture
def active_client(create_client, accept_invitation, smtp) -> Callable[..., HostClient]:  # type: ignore[no-untyped-def]
    """Create a client through the dashboard and accept the invitation; returns their client."""

    def make(email: str = CLIENT_EMAIL) -> HostClient:
        create_client(email)
        return accept_invitation(invite_link_in(text_of(smtp.wait_for(1, to=email)[-1])))

    return make
