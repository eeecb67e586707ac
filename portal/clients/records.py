"""Client records: edit, archive, restore and delete accounts; edit, unlink and merge contacts.

Other areas (files, messages, requests, billing…) add tables that point at client accounts
and contacts with composite foreign keys. This module finds them in the SQLAlchemy metadata
rather than by name, so a table added tomorrow is covered without a change here: deleting an
account is refused while any such row exists (archive instead), and merging two contacts moves
every such row to the contact that is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import (
    ColumnElement,
    ForeignKeyConstraint,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
    and_,
    delete,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.orm import aliased

from portal.clients.directory import change_email, clean_text, has_login
from portal.clients.invitations import cancel_invitation
from portal.clients.models import (
    AccountContact,
    AccountKind,
    AccountTag,
    ClientAccount,
    Contact,
    Invitation,
    PasswordReset,
)
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.scoping import owned

MAX_TAGS = 20
TAG_LENGTH = 50
_TAG_SPLIT = re.compile(r"[,;\n]")
# Rows that belong to an account or a contact as part of its own record: they go with it.
ACCOUNT_OWN_TABLES = frozenset({"account_contacts", "account_tags"})
CONTACT_OWN_TABLES = frozenset(
    {"account_contacts", "invitations", "password_resets", "signup_codes"}
)


@dataclass(frozen=True)
class AccountFields:
    """What staff may edit on an account (the edit form and CSV import both produce this)."""

    name: str
    kind: str = AccountKind.COMPANY
    tags: tuple[str, ...] = ()
    notes: str = ""
    phone: str = ""
    address: str = ""
    reference_id: str = ""


@dataclass
class MergeResult:
    kept: Contact
    moved: dict[str, int] = field(default_factory=dict)
    dropped_invitations: int = 0


# --- tags ------------------------------------------------------------------------------------


def normalize_tags(raw: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Lowercased, single-spaced, unique tags in the order given ("VIP, Tax  2026" gives
    "vip" and "tax 2026")."""
    parts = _TAG_SPLIT.split(raw) if isinstance(raw, str) else list(raw)
    tags: list[str] = []
    for part in parts:
        tag = " ".join(part.split()).lower()
        if not tag or tag in tags:
            continue
        if len(tag) > TAG_LENGTH:
            raise UserError(f"A tag can be at most {TAG_LENGTH} characters.", field="tags")
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise UserError(f"An account can have at most {MAX_TAGS} tags.", field="tags")
    return tuple(tags)


def tags_of(tenant_id: int, account_id: int) -> tuple[str, ...]:
    return tuple(
        db.session.scalars(
            select(AccountTag.tag)
            .where(AccountTag.tenant_id == tenant_id, AccountTag.account_id == account_id)
            .order_by(AccountTag.tag)
        )
    )


def tags_by_account(tenant_id: int, account_ids: list[int]) -> dict[int, list[str]]:
    """Tags of many accounts, one query per 500 ids (SQLite's bound-parameter limit)."""
    found: dict[int, list[str]] = {}
    for start in range(0, len(account_ids), 500):
        rows = db.session.execute(
            select(AccountTag.account_id, AccountTag.tag)
            .where(
                AccountTag.tenant_id == tenant_id,
                AccountTag.account_id.in_(account_ids[start : start + 500]),
            )
            .order_by(AccountTag.account_id, AccountTag.tag)
        )
        for account_id, tag in rows:
            found.setdefault(account_id, []).append(tag)
    return found


def set_tags(tenant_id: int, account_id: int, tags: tuple[str, ...]) -> None:
    current = set(tags_of(tenant_id, account_id))
    wanted = set(tags)
    if current - wanted:
        db.session.execute(
            delete(AccountTag).where(
                AccountTag.tenant_id == tenant_id,
                AccountTag.account_id == account_id,
                AccountTag.tag.in_(current - wanted),
            )
        )
    db.session.add_all(
        AccountTag(tenant_id=tenant_id, account_id=account_id, tag=tag)
        for tag in sorted(wanted - current)
    )


# --- accounts --------------------------------------------------------------------------------


def clean_account_fields(
    *,
    name: str,
    kind: str = AccountKind.COMPANY,
    tags: str | tuple[str, ...] = (),
    notes: str = "",
    phone: str = "",
    address: str = "",
    reference_id: str = "",
) -> AccountFields:
    """Check and tidy raw input; raises UserError naming the field."""
    if kind not in set(AccountKind):
        raise UserError("Choose Company or Household.", field="kind")
    notes = (notes or "").replace("\r\n", "\n").strip()
    address = (address or "").replace("\r\n", "\n").strip()
    if len(notes) > 10_000:
        raise UserError("The notes can be at most 10,000 characters.", field="notes")
    if len(address) > 1_000:
        raise UserError("The address can be at most 1,000 characters.", field="address")
    return AccountFields(
        name=clean_text(name, label="account name", max_length=200, required=True),
        kind=kind,
        tags=normalize_tags(tags),
        notes=notes,
        phone=clean_text(phone, label="phone", max_length=40),
        address=address,
        reference_id=clean_text(reference_id, label="reference id", max_length=64),
    )


def update_account(tenant_id: int, account: ClientAccount, fields: AccountFields) -> list[str]:
    """Apply the fields; returns the names of those that changed (for the audit log)."""
    changed = []
    for name in ("name", "kind", "notes", "phone", "address", "reference_id"):
        value = getattr(fields, name)
        if getattr(account, name) != value:
            setattr(account, name, value)
            changed.append(name)
    if set(tags_of(tenant_id, account.id)) != set(fields.tags):
        set_tags(tenant_id, account.id, fields.tags)
        changed.append("tags")
    db.session.flush()
    return changed


def archive_account(account: ClientAccount) -> bool:
    """Hide the account from lists and close its portal (`accessible_accounts` skips it).

    Contacts who still have another account keep their session; those left with none are
    signed out on their next request."""
    if account.archived_at is not None:
        return False
    account.archived_at = utcnow()
    return True


def restore_account(account: ClientAccount) -> bool:
    if account.archived_at is None:
        return False
    account.archived_at = None
    return True


def _fk_criteria(
    fk: ForeignKeyConstraint, values: dict[str, int]
) -> list[ColumnElement[bool]] | None:
    """`local column = value` for each column of the key (None if it refers to other columns)."""
    criteria = []
    for element in fk.elements:
        target = element.column.name
        if target not in values:
            return None
        criteria.append(element.parent == values[target])
    return criteria


def _references(
    referred: str, values: dict[str, int], skip: frozenset[str]
) -> list[tuple[Table, ForeignKeyConstraint, list[ColumnElement[bool]]]]:
    """Every foreign key in the metadata that points at `referred`, with criteria selecting the
    rows that point at the row whose key columns have `values`."""
    found = []
    for table in db.metadata.sorted_tables:
        if table.name in skip:
            continue
        for fk in table.foreign_key_constraints:
            if fk.referred_table.name != referred:
                continue
            criteria = _fk_criteria(fk, values)
            if criteria is not None:
                found.append((table, fk, criteria))
    return found


def _tables_with_rows(referred: str, values: dict[str, int], skip: frozenset[str]) -> list[str]:
    names = []
    for table, _fk, criteria in _references(referred, values, skip):
        if db.session.scalar(select(exists().where(*criteria))):
            names.append(table.name)
    return sorted(set(names))


def _exclusive_contact_ids(tenant_id: int, account_id: int) -> list[int]:
    """Contacts of this account that belong to no other account."""
    other = aliased(AccountContact)
    return list(
        db.session.scalars(
            select(AccountContact.contact_id).where(
                AccountContact.tenant_id == tenant_id,
                AccountContact.account_id == account_id,
                ~exists().where(
                    other.tenant_id == tenant_id,
                    other.contact_id == AccountContact.contact_id,
                    other.account_id != account_id,
                ),
            )
        )
    )


def _words(tables: list[str]) -> str:
    return ", ".join(name.replace("_", " ") for name in tables)


def deletion_blocker(tenant_id: int, account: ClientAccount) -> str | None:
    """Why the account cannot be deleted, or None. Anything recorded against the account or
    its own contacts (files, messages, requests, invoices… in any table that points at them)
    makes deletion lose history: such an account is archived instead."""
    tables = _tables_with_rows(
        "client_accounts", {"tenant_id": tenant_id, "id": account.id}, ACCOUNT_OWN_TABLES
    )
    for contact_id in _exclusive_contact_ids(tenant_id, account.id):
        tables += _tables_with_rows(
            "contacts", {"tenant_id": tenant_id, "id": contact_id}, CONTACT_OWN_TABLES
        )
    if tables:
        return (
            f"This account has records that would be lost ({_words(sorted(set(tables)))}): "
            "archive it instead."
        )
    return None


def can_delete(tenant_id: int, account: ClientAccount) -> bool:
    return deletion_blocker(tenant_id, account) is None


def delete_account(tenant_id: int, account: ClientAccount, typed_name: str) -> int:
    """Delete the account, its tags and links, and the contacts that belonged to it alone
    (with their invitations and reset links). Returns how many contacts went with it."""
    if " ".join((typed_name or "").split()) != account.name:
        raise UserError("Type the account's name exactly to confirm.", field="confirm_name")
    blocker = deletion_blocker(tenant_id, account)
    if blocker:
        raise UserError(blocker, field="confirm_name")
    return _delete(tenant_id, account)


def delete_if_unused(tenant_id: int, account: ClientAccount) -> bool:
    """Delete the account as `delete_account` does, but only when nothing is recorded against
    it (for automatic clean-ups, which must never lose history); True if it went."""
    if deletion_blocker(tenant_id, account):
        return False
    _delete(tenant_id, account)
    return True


def _delete(tenant_id: int, account: ClientAccount) -> int:
    contact_ids = _exclusive_contact_ids(tenant_id, account.id)
    db.session.execute(
        delete(AccountTag).where(
            AccountTag.tenant_id == tenant_id, AccountTag.account_id == account.id
        )
    )
    db.session.execute(
        delete(AccountContact).where(
            AccountContact.tenant_id == tenant_id, AccountContact.account_id == account.id
        )
    )
    _delete_contacts(tenant_id, contact_ids)
    db.session.delete(account)
    db.session.flush()
    return len(contact_ids)


def _delete_contacts(tenant_id: int, contact_ids: list[int]) -> None:
    """Delete contacts with their own access rows (links, invitations, reset links, sign-up
    codes: every table of CONTACT_OWN_TABLES, found through its foreign key)."""
    if not contact_ids:
        return
    for table in db.metadata.sorted_tables:
        if table.name not in CONTACT_OWN_TABLES:
            continue
        for fk in table.foreign_key_constraints:
            columns = {e.column.name: e.parent for e in fk.elements}
            if fk.referred_table.name == "contacts" and set(columns) == {"tenant_id", "id"}:
                db.session.execute(
                    delete(table).where(
                        columns["tenant_id"] == tenant_id, columns["id"].in_(contact_ids)
                    )
                )
    db.session.execute(
        delete(Contact)
        .where(Contact.tenant_id == tenant_id, Contact.id.in_(contact_ids))
        .execution_options(synchronize_session="fetch")
    )


# --- contacts --------------------------------------------------------------------------------


def update_contact(
    tenant_id: int, contact: Contact, *, name: str, email: str, phone: str
) -> list[str]:
    """Edit a contact. A new email follows the usual rule (`directory.change_email`): the open
    invitation, sent to the old inbox, is cancelled. An active client's email is theirs to
    change, so staff cannot change it here."""
    changed = []
    clean_name = clean_text(name, label="contact name", max_length=200)
    clean_phone = clean_text(phone, label="phone", max_length=40)
    if clean_name != contact.name:
        contact.name = clean_name
        changed.append("name")
    if clean_phone != contact.phone:
        contact.phone = clean_phone
        changed.append("phone")
    before = contact.email
    if email and email.strip().lower() != before:
        if contact.activated_at is not None:
            raise UserError("An active client changes their own email address.", field="email")
        change_email(tenant_id, contact, email)
        if contact.email != before:
            changed.append("email")
    db.session.flush()
    return changed


def unlink_contact(tenant_id: int, account: ClientAccount, contact: Contact) -> bool:
    """Remove the contact from the account. A contact left with no account is deleted when
    nothing else refers to it (True), otherwise kept without portal access."""
    link = db.session.get(AccountContact, (tenant_id, account.id, contact.id))
    if link is None:
        raise UserError(f"{contact.email} is not a contact of {account.name}.")
    db.session.delete(link)
    db.session.flush()
    if not has_login(tenant_id, contact.id):
        cancel_invitation(tenant_id, contact.id)
        contact.session_nonce = ""  # their open sessions end now
    remaining = db.session.scalar(
        select(func.count()).where(
            AccountContact.tenant_id == tenant_id, AccountContact.contact_id == contact.id
        )
    )
    if remaining or _tables_with_rows(
        "contacts", {"tenant_id": tenant_id, "id": contact.id}, CONTACT_OWN_TABLES
    ):
        return False
    _delete_contacts(tenant_id, [contact.id])
    return True


def merge_contacts(tenant_id: int, kept: Contact, merged: Contact) -> MergeResult:
    """Fold `merged` into `kept` (the same person entered twice) and delete `merged`.

    Account links join (portal access on if either had it). `merged`'s unaccepted invitations
    and reset links are dropped: they point at an address that no longer exists, and kept
    they would hide the kept contact's own open invitation (the newest one counts).
    Every other row that points at `merged` (in any table, found through the foreign keys)
    moves to `kept`; where a table allows one row per contact and both have one, `kept`'s
    row stays."""
    if kept.id == merged.id or kept.tenant_id != merged.tenant_id:
        raise UserError("Choose two different contacts.", field="merge_email")
    result = MergeResult(kept)
    dropped = db.session.execute(
        delete(Invitation).where(
            Invitation.tenant_id == tenant_id,
            Invitation.contact_id == merged.id,
            Invitation.accepted_at.is_(None),
        )
    )
    result.dropped_invitations = int(getattr(dropped, "rowcount", 0) or 0)
    for link in db.session.scalars(
        owned(AccountContact, tenant_id).where(AccountContact.contact_id == merged.id)
    ).all():
        mine = db.session.get(AccountContact, (tenant_id, link.account_id, kept.id))
        if mine is None:
            db.session.add(
                AccountContact(
                    tenant_id=tenant_id,
                    account_id=link.account_id,
                    contact_id=kept.id,
                    login_enabled=link.login_enabled,
                    created_at=link.created_at,
                )
            )
        else:
            mine.login_enabled = mine.login_enabled or link.login_enabled
        db.session.delete(link)
        result.moved["account_contacts"] = result.moved.get("account_contacts", 0) + 1
    db.session.execute(
        delete(PasswordReset).where(
            PasswordReset.tenant_id == tenant_id, PasswordReset.contact_id == merged.id
        )
    )
    db.session.flush()
    values = {"tenant_id": tenant_id, "id": merged.id}
    for table, fk, criteria in _references("contacts", values, frozenset({"account_contacts"})):
        moved = _move_rows(table, fk, criteria, tenant_id, kept.id)
        if moved:
            result.moved[table.name] = result.moved.get(table.name, 0) + moved
    if not kept.name and merged.name:
        kept.name = merged.name
    if not kept.phone and merged.phone:
        kept.phone = merged.phone
    if kept.password_hash is None and merged.password_hash is not None:
        # The person had set a password on the merged identity: it now signs in to the kept one.
        kept.password_hash = merged.password_hash
        kept.activated_at = kept.activated_at or merged.activated_at
    kept.last_login_at = max(
        (t for t in (kept.last_login_at, merged.last_login_at) if t is not None), default=None
    )
    db.session.delete(merged)
    db.session.flush()
    return result


def _move_rows(
    table: Table,
    fk: ForeignKeyConstraint,
    criteria: list[ColumnElement[bool]],
    tenant_id: int,
    kept_id: int,
) -> int:
    """Point the rows matching `criteria` at the kept contact; rows that would then collide
    with one of the kept contact's rows under a unique key are deleted first."""
    contact_columns = {e.parent.name for e in fk.elements if e.column.name == "id"}
    keys = [
        {column.name for column in c.columns}
        for c in table.constraints
        if isinstance(c, (UniqueConstraint, PrimaryKeyConstraint))
    ]
    keys += [{column.name for column in i.columns} for i in table.indexes if i.unique]
    for key in keys:
        if not contact_columns <= key:
            continue
        other = table.alias()
        same = [other.c[name] == table.c[name] for name in key - contact_columns]
        mine = [other.c[name] == kept_id for name in contact_columns]
        if "tenant_id" in other.c:
            mine.append(other.c.tenant_id == tenant_id)
        db.session.execute(delete(table).where(*criteria, exists().where(*mine, *same)))
    values = {name: kept_id for name in contact_columns}
    result = db.session.execute(update(table).where(*criteria).values(values))
    return int(getattr(result, "rowcount", 0) or 0)


def find_merge_candidate(tenant_id: int, kept: Contact, email: str) -> Contact:
    """The other contact, found by the email staff typed (never a list of every contact)."""
    address = " ".join((email or "").split()).lower()
    candidate = db.session.scalars(
        owned(Contact, tenant_id)
        .where(func.lower(Contact.email) == address, Contact.id != kept.id)
        .order_by(Contact.id)
    ).first()
    if candidate is None:
        raise UserError("No other contact has that email address.", field="merge_email")
    return candidate


def account_links(tenant_id: int, contact_id: int) -> list[tuple[ClientAccount, bool]]:
    """The accounts a contact belongs to, with the login toggle, for the merge confirmation."""
    return [
        (account, login)
        for account, login in db.session.execute(
            select(ClientAccount, AccountContact.login_enabled)
            .join(
                AccountContact,
                and_(
                    AccountContact.tenant_id == ClientAccount.tenant_id,
                    AccountContact.account_id == ClientAccount.id,
                ),
            )
            .where(ClientAccount.tenant_id == tenant_id, AccountContact.contact_id == contact_id)
            .order_by(ClientAccount.name, ClientAccount.id)
        )
    ]
