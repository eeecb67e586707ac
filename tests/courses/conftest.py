"""Fixtures for the Courses tests: accounts, signed-in clients and courses built by services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from portal.auth.passwords import hash_password
from portal.clients.models import AccountContact, AccountTag, ClientAccount, Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.courses import service
from portal.courses.models import Course
from tenants.resolution import snapshot_of
from tenants.snapshot import TenantSnapshot
from tests.fixtures.people import tenant_host

PASSWORD = "maple kettle horizon 58"


@pytest.fixture
def snap(tenant: Any) -> TenantSnapshot:
    return snapshot_of(tenant)


@pytest.fixture
def make_account(app: Any) -> Callable[..., ClientAccount]:
    def make(
        tenant: Any, name: str = "Birch Household", tags: tuple[str, ...] = ()
    ) -> ClientAccount:
        account = ClientAccount(tenant_id=tenant.id, name=name, kind="household")
        db.session.add(account)
        db.session.flush()
        for tag in tags:
            db.session.add(AccountTag(tenant_id=tenant.id, account_id=account.id, tag=tag))
        db.session.commit()
        return account

    return make


@pytest.fixture
def account(make_account: Callable[..., ClientAccount], tenant: Any) -> ClientAccount:
    return make_account(tenant)


@pytest.fixture
def make_contact(app: Any) -> Callable[..., Contact]:
    """A contact with portal access to each of `accounts` (the first one is shown first)."""

    def make(tenant: Any, *accounts: ClientAccount, email: str = "carol@birch.example") -> Contact:
        contact = Contact(
            tenant_id=tenant.id,
            email=email,
            name=email.split("@")[0].title(),
            password_hash=hash_password(PASSWORD),
            activated_at=utcnow(),
        )
        db.session.add(contact)
        db.session.flush()
        for account in accounts:
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
def sign_in(client_for: Any, tenant: Any) -> Callable[..., Any]:
    def sign(contact: Contact) -> Any:
        who = client_for(tenant_host(tenant))
        response = who.submit("/sign-in", {"email": contact.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return who

    return sign


@pytest.fixture
def contact(make_contact: Callable[..., Contact], tenant: Any, account: ClientAccount) -> Contact:
    return make_contact(tenant, account)


@pytest.fixture
def client(sign_in: Callable[..., Any], contact: Contact) -> Any:
    return sign_in(contact)


@pytest.fixture
def make_course(app: Any) -> Callable[..., Course]:
    """A course with sections of lessons ({"Basics": ["One", "Two"]}); published by default."""

    def make(
        tenant: Any,
        title: str = "Bookkeeping basics",
        sections: dict[str, list[str]] | None = None,
        *,
        publish: bool = True,
        access: service.Access | None = None,
        body: str = "Read this first.",
    ) -> Course:
        snapshot = snapshot_of(tenant)
        course = service.create_course(snapshot, title, "What you will learn.")
        for section_title, lessons in (sections or {"Basics": ["Receipts", "Invoices"]}).items():
            section = service.add_section(snapshot, course, section_title)
            for lesson_title in lessons:
                service.add_lesson(snapshot, section, lesson_title, body, "")
        if access is not None:
            service.set_access(snapshot, course, access)
        if publish:
            service.publish(snapshot, course)
        db.session.commit()
        return course

    return make
