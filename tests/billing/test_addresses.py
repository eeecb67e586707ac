"""Address fields hold several addresses separated by semicolons; a bad one is named."""

from __future__ import annotations

from typing import Any

import pytest

from portal.billing.addresses import join_addresses, parse_addresses
from portal.core.errors import UserError


def test_semicolon_list_is_validated_and_normalized(app: Any) -> None:
    assert parse_addresses(" a@x.example; B@Y.example ;; a@x.example ") == [
        "a@x.example",
        "b@y.example",
    ]
    assert join_addresses("a@x.example;b@y.example") == "a@x.example; b@y.example"
    assert parse_addresses("") == []


def test_the_bad_entry_is_named(app: Any) -> None:
    with pytest.raises(UserError) as error:
        parse_addresses("a@x.example; not-an-address; b@y.example", "email")
    assert "'not-an-address'" in error.value.message
    assert error.value.field == "email"
