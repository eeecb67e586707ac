"""Client accounts, their contacts and the portal access toggle, through `portal.clients`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from portal.api import schemas
from portal.api.auth import parse_body
from portal.api.errors import ApiError
from portal.api.routing import operation, page_of, tenant
from portal.clients import directory
from portal.clients.models import AccountContact, ClientAccount, Contact
from portal.core.extensions import db
from tenants.scoping import get_owned, owned


def account_json(account: ClientAccount) -> dict[str, Any]:
    return schemas.Account(
        id=account.id,
        name=account.name,
        kind=account.kind,
        phone=account.phone,
        reference_id=account.reference_id,
        archived=account.archived_at is not None,
        created_at=account.created_at,
    ).model_dump(mode="json")


def contact_json(contact: Contact, link: AccountContact) -> dict[str, Any]:
    return schemas.Contact(
        id=contact.id,
        email=contact.email,
        name=contact.name,
        login_enabled=link.login_enabled,
        activated=contact.activated_at is not None,
    ).model_dump(mode="json")


def account_or_404(account_id: int) -> ClientAccount:
    account = get_owned(ClientAccount, tenant(), account_id)
    if account is None:
        raise ApiError(404, "No such client account.")
    return account


@operation("get", "/clients", "List client accounts", schemas.AccountList, paged=True)
def list_clients() -> Any:
    rows, cursor = page_of(owned(ClientAccount, tenant()), ClientAccount.id)
    return {"data": [account_json(a) for a in rows], "next_cursor": cursor}


@operation(
    "post",
    "/clients",
    "Create a client account",
    schemas.Account,
    body=schemas.AccountCreate,
    status=201,
)
def create_client() -> Any:
    data = parse_body(schemas.AccountCreate)
    account = directory.create_account(tenant().id, data.name, data.kind)
    db.session.commit()
    return account_json(account), 201


@operation("get", "/clients/<int:account_id>", "One client account", schemas.Account)
def get_client(account_id: int) -> Any:
    return account_json(account_or_404(account_id))


@operation(
    "patch",
    "/clients/<int:account_id>",
    "Update a client account",
    schemas.Account,
    body=schemas.AccountUpdate,
)
def update_client(account_id: int) -> Any:
    account = account_or_404(account_id)
    data = parse_body(schemas.AccountUpdate)
    if data.name is not None:
        account.name = directory.clean_text(
            data.name, label="account name", max_length=200, required=True
        )
    if data.phone is not None:
        account.phone = directory.clean_text(data.phone, label="phone", max_length=40)
    if data.reference_id is not None:
        account.reference_id = directory.clean_text(
            data.reference_id, label="reference", max_length=64
        )
    db.session.commit()
    return account_json(account)


@operation(
    "get",
    "/clients/<int:account_id>/contacts",
    "List an account's contacts",
    schemas.ContactList,
    paged=True,
)
def list_contacts(account_id: int) -> Any:
    account = account_or_404(account_id)
    query = (
        owned(Contact, tenant())
        .join(
            AccountContact,
            (AccountContact.tenant_id == Contact.tenant_id)
            & (AccountContact.contact_id == Contact.id),
        )
        .where(AccountContact.account_id == account.id)
    )
    rows, cursor = page_of(query, Contact.id)
    links = {
        link.contact_id: link
        for link in db.session.scalars(
            select(AccountContact).where(
                AccountContact.tenant_id == tenant().id,
                AccountContact.account_id == account.id,
                AccountContact.contact_id.in_([c.id for c in rows]),
            )
        )
    }
    return {"data": [contact_json(c, links[c.id]) for c in rows], "next_cursor": cursor}


@operation(
    "post",
    "/clients/<int:account_id>/contacts",
    "Add a contact to an account",
    schemas.Contact,
    body=schemas.ContactCreate,
    status=201,
)
def add_contact(account_id: int) -> Any:
    account = account_or_404(account_id)
    data = parse_body(schemas.ContactCreate)
    contact, _ = directory.add_contact_with_notice(
        tenant(), account, data.email, data.name, login=data.login
    )
    link = db.session.get(AccountContact, (tenant().id, account.id, contact.id))
    db.session.commit()
    assert link is not None  # add_contact created it
    return contact_json(contact, link), 201


@operation(
    "put",
    "/clients/<int:account_id>/contacts/<int:contact_id>/access",
    "Turn portal access on or off",
    schemas.Contact,
    body=schemas.AccessUpdate,
)
def set_access(account_id: int, contact_id: int) -> Any:
    account = account_or_404(account_id)
    data = parse_body(schemas.AccessUpdate)
    contact = get_owned(Contact, tenant(), contact_id)
    link = directory.set_login(tenant().id, account.id, contact_id, data.login_enabled)
    if contact is None or link is None:
        raise ApiError(404, "No such contact on this account.")
    db.session.commit()
    return contact_json(contact, link)
