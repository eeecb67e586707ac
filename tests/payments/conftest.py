"""Payments tests: an account with a signed-in client, sent invoices, and Stripe pointed at
the local stub (tests/fixtures/stripe_stub.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.fixtures.people import invite_link_in
from tests.fixtures.smtp import text_of
from tests.payments.helpers import make_invoice, use_stripe


@pytest.fixture
def app_config(app_config, stripe_stub):  # type: ignore[no-untyped-def]
    return {**app_config, "STRIPE_API_BASE": stripe_stub.url}


@pytest.fixture
def account_id(create_client) -> int:  # type: ignore[no-untyped-def]
    return create_client("pat@client.example", "Pat Household")


@pytest.fixture
def client(account_id, smtp, accept_invitation):  # type: ignore[no-untyped-def]
    """Pat, signed in to the portal of the account's firm."""
    [mail] = smtp.wait_for(1, to="pat@client.example")
    return accept_invitation(invite_link_in(text_of(mail)))


@pytest.fixture
def invoice(tenant, account_id) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    def make(*amounts: int, send: bool = True) -> Any:
        return make_invoice(tenant.id, account_id, list(amounts) or [10000], send=send)

    return make


@pytest.fixture
def stripe(tenant) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return use_stripe(tenant.id)
