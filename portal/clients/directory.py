"""Accounts and contacts of one tenant: creation, links, the login toggle and lookups.

Every query here takes the tenant id first: nothing crosses tenants. A contact whose email is
new or changed gets its domain checked for a mail server by a job after the commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select, union

# Imported for its session hooks: any process that changes clients keeps the dashboard's
# cached figures fresh.
from sqlalchemy.orm import aliased

from portal.clients import figures  # noqa: F401
from portal.clients.invitations import (
    cancel_invitation,
    latest_invitation,
    notify_account_added,
)
from portal.clients.models import (
    CONTACT_OF_LINK,
    AccountContact,
    AccountKind,
    AccountTag,
    ClientAccount,
    Contact,
    Invitation,
)
from portal.clients.status import ContactStatus, contact_status
from portal.core.emails import normalize_email
from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.scoping import get_owned, owned
from tenants.snapshot import TenantSnapshot

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_text(raw: str | None, *, label: str, max_length: int, required: bool = False) -> str:
    value = " ".join(_CONTROL.sub(" ", raw or "").split())
    if required and not value:
        raise UserError(f"Enter the {label}.", field=label.replace(" ", "_"))
    if len(value) > max_length:
        raise UserError(
            f"The {label} can be at most {max_length} characters.", field=label.replace(" ", "_")
        )
    return value


def get_account(tenant_id: int, account_id: int) -> ClientAccount | None:
    return get_owned(ClientAccount, tenant_id, account_id)


def get_contact(tenant_id: int, contact_id: int) -> Contact | None:
    return get_owned(Contact, tenant_id, contact_id)


def find_contact_by_email(tenant_id: int, email: str) -> Contact | None:
    return db.session.scalars(
        owned(Contact, tenant_id).where(Contact.email == email).order_by(Contact.id)
    ).first()


def find_contacts_by_email(tenant_id: int, email: str) -> list[Contact]:
    return list(
        db.session.scalars(
            owned(Contact, tenant_id).where(Contact.email == email).order_by(Contact.id)
        )
    )


def create_account(tenant_id: int, name: str, kind: str = AccountKind.COMPANY) -> ClientAccount:
    account = ClientAccount(
        tenant_id=tenant_id,
        name=clean_text(name, label="account name", max_length=200, required=True),
        kind=kind if kind in set(AccountKind) else AccountKind.COMPANY,
    )
    db.session.add(account)
    db.session.flush()
    return account


def add_contact(
    tenant_id: int, account: ClientAccount, email: str, name: str = "", *, login: bool = False
) -> Contact:
    """Link the person with this email to the account, creating the contact if new."""
    address = normalize_email(email)
    contact = find_contact_by_email(tenant_id, address)
    if contact is None:
        contact = Contact(
            tenant_id=tenant_id,
            email=address,
            name=clean_text(name, label="contact name", max_length=200),
        )
        db.session.add(contact)
        db.session.flush()
    link = db.session.get(AccountContact, (tenant_id, account.id, contact.id))
    if link is None:
        link = AccountContact(tenant_id=tenant_id, account_id=account.id, contact_id=contact.id)
        db.session.add(link)
    link.login_enabled = link.login_enabled or login
    db.session.flush()
    return contact


def add_contact_with_notice(
    tenant: TenantSnapshot, account: ClientAccount, email: str, name: str = "", *, login: bool
) -> tuple[Contact, bool]:
    """`add_contact`; a contact who already uses the portal and gains this account is sent a
    "you now also see <account>" email instead of an invitation (then True is returned)."""
    known = find_contact_by_email(tenant.id, normalize_email(email))
    had_access = known is not None and login_enabled(tenant.id, account.id, known.id)
    contact = add_contact(tenant.id, account, email, name, login=login)
    notify = login and not had_access and contact.activated_at is not None
    if notify:
        notify_account_added(tenant, contact, account)
    return contact, notify


def login_enabled(tenant_id: int, account_id: int, contact_id: int) -> bool:
    link = db.session.get(AccountContact, (tenant_id, account_id, contact_id))
    return link is not None and link.login_enabled


def set_login(
    tenant_id: int, account_id: int, contact_id: int, enabled: bool
) -> AccountContact | None:
    link = db.session.get(AccountContact, (tenant_id, account_id, contact_id))
    if link is None:
        return None
    link.login_enabled = enabled
    if not enabled and not has_login(tenant_id, contact_id):
        contact = get_contact(tenant_id, contact_id)
        cancel_invitation(tenant_id, contact_id)
        if contact is not None:
            contact.session_nonce = ""
    return link


def enable_login_for_accounts(tenant_id: int, account_ids: list[int]) -> list[Contact]:
    links = db.session.scalars(
        owned(AccountContact, tenant_id).where(AccountContact.account_id.in_(account_ids))
    ).all()
    contact_ids = set()
    for link in links:
        link.login_enabled = True
        contact_ids.add(link.contact_id)
    if not contact_ids:
        return []
    return list(
        db.session.scalars(
            owned(Contact, tenant_id).where(Contact.id.in_(contact_ids)).order_by(Contact.id)
        )
    )


def change_email(tenant_id: int, contact: Contact, new_email: str) -> None:
    """Before acceptance, a changed address cancels the old link (it went to the old inbox)."""
    address = normalize_email(new_email)
    if address == contact.email:
        return
    other = find_contact_by_email(tenant_id, address)
    if other is not None and other.id != contact.id:
        raise UserError("Another contact already uses this email address.", field="email")
    contact.email = address
    contact.email_problem = None
    contact.session_nonce = ""
    cancel_invitation(tenant_id, contact.id)


def has_login(tenant_id: int, contact_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    AccountContact.tenant_id == tenant_id,
                    AccountContact.contact_id == contact_id,
                    AccountContact.login_enabled.is_(True),
                    # An archived account's portal is closed (portal.clients.records).
                    exists().where(
                        ClientAccount.tenant_id == tenant_id,
                        ClientAccount.id == AccountContact.account_id,
                        ClientAccount.archived_at.is_(None),
                    ),
                )
            )
        )
    )


def accessible_accounts(tenant_id: int, contact_id: int) -> list[ClientAccount]:
    """Accounts this contact may open in the portal, in name order."""
    return list(
        db.session.scalars(
            select(ClientAccount)
            .join(
                AccountContact,
                and_(
                    AccountContact.tenant_id == ClientAccount.tenant_id,
                    AccountContact.account_id == ClientAccount.id,
                ),
            )
            .where(
                ClientAccount.tenant_id == tenant_id,
                AccountContact.contact_id == contact_id,
                AccountContact.login_enabled.is_(True),
                ClientAccount.archived_at.is_(None),  # archived: portal closed
            )
            .order_by(ClientAccount.name, ClientAccount.id)
        )
    )


@dataclass(frozen=True)
class ContactRow:
    contact: Contact
    login_enabled: bool
    status: ContactStatus
    invitation: Invitation | None


def account_contacts(tenant_id: int, account_id: int) -> list[ContactRow]:
    rows = db.session.execute(
        select(Contact, AccountContact.login_enabled)
        .join(
            AccountContact,
            and_(
                AccountContact.tenant_id == Contact.tenant_id,
                AccountContact.contact_id == Contact.id,
            ),
        )
        .where(Contact.tenant_id == tenant_id, AccountContact.account_id == account_id)
        .order_by(Contact.name, Contact.email)
    ).all()
    result = []
    for contact, login_enabled in rows:
        invitation = latest_invitation(tenant_id, contact.id)
        result.append(
            ContactRow(
                contact,
                login_enabled,
                contact_status(contact, login_enabled, invitation),
                invitation,
            )
        )
    return result


def account_query(tenant_id: int, **filters: str) -> Select:
    """Accounts matching the staff's filters, by name (see `filtered_accounts`)."""
    return filtered_accounts(tenant_id, **filters)[0]


def filtered_accounts(
    tenant_id: int,
    *,
    search: str = "",
    status: str = "",
    last_login: str = "",
    archived: str = "",
    tag: str = "",
) -> tuple[Select, Any]:
    """Accounts matching the staff's filters, by name, and the account entity the statement
    reads (ClientAccount, or the search's matches).

    Every filter is a condition on the account row (EXISTS over its links), not an aggregate,
    so a page of the list reads the (tenant, lower(name), id) index and stops after a page of
    rows (bench.client_lists: 4 s -> a few ms at 150,000 accounts). Archived accounts are left
    out unless `archived` is "only" (or "all"); `tag` keeps the accounts carrying that tag
    (records.normalize_tags' form: lowercased, single spaces)."""
    account: Any = ClientAccount
    if search.strip():
        account = aliased(ClientAccount, _searched(tenant_id, search).subquery("matches"))
    link = and_(AccountContact.tenant_id == tenant_id, AccountContact.account_id == account.id)
    query = (
        select(account)
        .where(account.tenant_id == tenant_id)
        .order_by(func.lower(account.name), account.id)
    )
    if tag.strip():
        query = query.where(
            exists().where(
                AccountTag.tenant_id == tenant_id,
                AccountTag.account_id == account.id,
                AccountTag.tag == " ".join(tag.split()).lower(),
            )
        )
    if archived == "only":
        query = query.where(account.archived_at.is_not(None))
    elif archived != "all":
        query = query.where(account.archived_at.is_(None))
    with_login = exists().where(link, AccountContact.login_enabled.is_(True))
    if status == "active":
        query = query.where(with_login)
    elif status == "offline":
        query = query.where(~with_login)
    if last_login == "never":
        signed_in = exists().where(
            link,
            Contact.tenant_id == tenant_id,
            Contact.id == AccountContact.contact_id,
            Contact.last_login_at.is_not(None),
        )
        query = query.where(~signed_in)
    return query, account


def _searched(tenant_id: int, search: str) -> Any:
    """The accounts whose name, or a contact's name or email, contains `search`: a UNION of
    whole rows, so each part reads its own index (trigram on PostgreSQL) and nothing joins
    back to every account (an OR, or `id IN (...)`, scanned them all)."""
    pattern = f"%{search.strip().lower()}%"
    by_name = select(ClientAccount).where(
        ClientAccount.tenant_id == tenant_id, func.lower(ClientAccount.name).like(pattern)
    )
    by_contact = (
        select(AccountContact.account_id)
        .join(
            Contact,
            CONTACT_OF_LINK,
        )
        .where(
            AccountContact.tenant_id == tenant_id,
            Contact.tenant_id == tenant_id,
            or_(func.lower(Contact.email).like(pattern), func.lower(Contact.name).like(pattern)),
        )
    )
    via_contact = select(ClientAccount).where(
        ClientAccount.tenant_id == tenant_id, ClientAccount.id.in_(by_contact)
    )
    return union(by_name, via_contact)


def matching_account_ids(tenant_id: int, **filters: str) -> list[int]:
    """Every account the filters match (all pages), for "Select all matching"."""
    query, account = filtered_accounts(tenant_id, **filters)
    return list(db.session.scalars(query.with_only_columns(account.id)))
