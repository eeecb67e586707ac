from __future__ import annotations

import pytest

from tests.fixtures.people import invite_link_in
from tests.fixtures.smtp import text_of
from tests.fixtures.tenants import HostClient


@pytest.fixture
def signed_in_client(create_client, accept_invitation, smtp) -> HostClient:  # type: ignore[no-untyped-def]
    """A client of the tenant who accepted their invitation and is signed in."""
    create_client("jane@client.example", account="Jones Household")
    [mail] = smtp.wait_for(1, to="jane@client.example")
    return accept_invitation(invite_link_in(text_of(mail)))
