"""The platform's fallback sender (MAIL_DEFAULT_SENDER) for firms without a verified domain."""

from __future__ import annotations

import pytest

from portal.core.extensions import db
from portal.mail.compose import queue_email
from tenants.resolution import snapshot_of


@pytest.mark.parametrize(
    "setting",
    ["no-reply@platform.example", "Foyer <no-reply@platform.example>"],
    ids=["bare-address", "name-and-address"],
)
def test_fallback_sender_uses_the_address_part_with_the_firms_name(
    make_app, make_tenant, smtp, setting
):
    configured = make_app(MAIL_DEFAULT_SENDER=setting)
    assert configured.config["MAIL_DEFAULT_SENDER_ADDRESS"] == "no-reply@platform.example"
    with configured.app_context():
        tenant = make_tenant(slug="acme", name="Acme CPA")
        queue_email(
            snapshot_of(tenant),
            "client@client.example",
            "staff_invitation",
            link="https://acme.foyer.example/admin/invitation/abc",
            expiry_days=7,
            role="member",
        )
        db.session.commit()

    (delivered,) = smtp.wait_for(1, to="client@client.example")
    (sender,) = delivered["From"].addresses
    assert sender.display_name == "Acme CPA"
    assert sender.addr_spec == "no-reply@platform.example"
    assert delivered["Message-ID"].endswith("@platform.example>")


@pytest.mark.parametrize(
    "setting", ["Foyer", "Foyer <no-reply>", "no-reply@", "<>", "a b@platform.example"]
)
def test_an_invalid_fallback_sender_is_refused_at_start_up(make_app, setting):
    with pytest.raises(ValueError, match="MAIL_DEFAULT_SENDER") as refused:
        make_app(MAIL_DEFAULT_SENDER=setting)
    assert "Name <no-reply@example.com>" in str(refused.value)
