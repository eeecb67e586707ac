"""Fixtures for the community tests: accounts with tags, signed-in clients, groups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from portal.auth.passwords import hash_password
from portal.clients.models import AccountContact, AccountTag, ClientAccount, Contact
from portal.community.groups import GroupInput, create_group
from portal.community.models import Group
from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.resolution import snapshot_of
from tests.fixtures.people import tenant_host

PASSWORD = "maple kettle horizon 58"
WINDOW = 0.3  # seconds the notification email waits for others of its group


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "NOTIFICATION_GROUP_WINDOW": WINDOW}


@pytest.fixture
def make_account(app: Any, tenant: Any) -> Callable[..., ClientAccount]:
    def make(name: str, *tags: str) -> ClientAccount:
        account = ClientAccount(tenant_id=tenant.id, name=name, kind="household")
        db.session.add(account)
        db.session.flush()
        db.session.add_all(
            AccountTag(tenant_id=tenant.id, account_id=account.id, tag=t) for t in tags
        )
        db.session.commit()
        return account

    return make


@pytest.fixture
def make_contact(app: Any, tenant: Any) -> Callable[..., Contact]:
    def make(account: ClientAccount, email: str, name: str) -> Contact:
        contact = Contact(
            tenant_id=tenant.id,
            email=email,
            name=name,
            password_hash=hash_password(PASSWORD),
            activated_at=utcnow(),
        )
        db.session.add(contact)
        db.session.flush()
        db.session.add(
            AccountContact(
                tenant_id=tenant.id,
                account_id=account.id,
                contact_id=contact.id,
                login_enabled=True,
            )
        )
        db.session.commit()
        return contact

    return make


@pytest.fixture
def sign_in(client_for: Any, tenant: Any) -> Callable[[str], Any]:
    def sign(email: str) -> Any:
        who = client_for(tenant_host(tenant))
        response = who.submit("/sign-in", {"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return who

    return sign


@pytest.fixture
def make_group(app: Any, tenant: Any) -> Callable[..., Group]:
    def make(name: str = "Landlords", audience: str = "all", **access: Any) -> Group:
        group = create_group(
            snapshot_of(tenant),
            GroupInput(
                name=name,
                description=f"About {name}",
                audience=audience,
                account_ids=tuple(access.get("account_ids", ())),
                tags=tuple(access.get("tags", ())),
            ),
        )
        db.session.commit()
        return group

    return make
