"""Operator console fixtures: a signed-in operator and a tenant filled with rows of every kind."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from sqlalchemy import func, select

from portal.clients import directory
from portal.core.extensions import db
from portal.core.storage import storage
from portal.files.models import ClientFile
from portal.operations.deletion import tenant_files, tenant_tables
from tests.billing.probe_data import billing_objects
from tests.documents.probe_data import document_objects
from tests.files.probe_data import file_objects
from tests.messaging.probe_data import messaging_objects
from tests.notifications.probe_data import notification_objects


@pytest.fixture(autouse=True)
def every_model_has_its_table(app):  # type: ignore[no-untyped-def]
    """Workaround while other helpers' models wait for their migrations: deletion walks every
    table of the metadata, so each must exist (a no-op once the migrations are written)."""
    db.metadata.create_all(db.engine, checkfirst=True)


def signed_in_operator(client, operator):  # type: ignore[no-untyped-def]
    """The session set directly: sign-in itself (and its second factor) is tested elsewhere."""
    operator.session_nonce = operator.session_nonce or secrets.token_hex(8)
    db.session.commit()
    with client.session_transaction(base_url=f"https://{client.host}") as session:
        session["_user_id"] = operator.get_id()
        session["_fresh"] = True
    assert client.get("/operator/").status_code == 200
    return client


@pytest.fixture
def console(platform, make_operator):  # type: ignore[no-untyped-def]
    """The platform host, signed in as an operator."""
    return signed_in_operator(platform, make_operator())


def populate(tenant_id: int, staff_id: int, marker: str) -> dict[str, Any]:
    """Clients, contacts, a file, a thread with a message, a document request, an invoice."""
    account = directory.create_account(tenant_id, f"{marker} Holdings", "company")
    contact = directory.add_contact(
        tenant_id, account, f"{marker.lower()}@client.example", f"{marker} Person", login=True
    )
    db.session.flush()
    ids: dict[str, Any] = {"account_id": account.id, "contact_id": contact.id}
    ids |= file_objects(tenant_id, account.id, staff_id, marker)
    ids |= messaging_objects(tenant_id, account.id, contact.id, staff_id, marker)
    ids |= document_objects(tenant_id, account.id, contact.email, staff_id, marker)[0]
    ids |= billing_objects(tenant_id, account.id, marker)
    ids |= notification_objects(tenant_id, staff_id, marker)
    db.session.commit()
    return ids


def counts(tenant_id: int) -> dict[str, int]:
    """Rows per tenant-owned table."""
    db.session.expire_all()
    return {
        table.name: db.session.scalar(
            select(func.count()).select_from(table).where(table.c.tenant_id == tenant_id)
        )
        or 0
        for table in tenant_tables()
    }


def stored(tenant_id: int) -> dict[str, bytes | None]:
    return {key: storage().get(key) for key in tenant_files(tenant_id)}


def file_keys(tenant_id: int) -> list[str]:
    return list(
        db.session.scalars(select(ClientFile.storage_key).where(ClientFile.tenant_id == tenant_id))
    )
