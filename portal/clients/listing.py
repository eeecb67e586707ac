"""One page of the staff's client lists: accounts, pending activation, unverified sign-ups.

Each page costs a fixed number of queries whatever the number of rows: the page itself (sorted
and filtered in SQL, one row more than shown), then the page's contacts and invitations in one
query each. Sorting and filters are plain strings from the URL, checked against allow-lists.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from portal.clients.directory import account_query
from portal.clients.invitations import latest_invitations
from portal.clients.models import AccountContact, ClientAccount, Contact, Invitation
from portal.clients.pending import PendingRow
from portal.clients.status import AccountStatus, ContactStatus, account_status, contact_status
from portal.core.database import utcnow
from portal.core.emails import normalize_email
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.pagination import PER_PAGE, Page, paginate
from tenants.scoping import owned

ACCOUNT_SORTS = ("name", "contacts", "last_login", "created")
PENDING_SORTS = ("sent", "email", "count")
PENDING_STATUSES = ("not_invited", "invited", "expired", "bounced", "cancelled")
SIGNUP_SORTS = ("created", "email", "name")
EMAILS_SHOWN = 2


@dataclass(frozen=True)
class AccountListRow:
    account: ClientAccount
    status: AccountStatus
    contacts: int
    last_login_at: datetime | None
    emails: list[str]  # the first EMAILS_SHOWN addresses, by name
    invitations: dict[ContactStatus, int]  # contacts per status, for the Invitation column

    @property
    def more_emails(self) -> int:
        return max(self.contacts - len(self.emails), 0)


def _ordered(query: Any, column: Any, descending: bool, tiebreak: Any) -> Any:
    """Empty values (never sent, never signed in) count as the smallest."""
    order = column.desc().nulls_last() if descending else column.asc().nulls_first()
    return query.order_by(None).order_by(order, tiebreak)


def account_page(
    tenant_id: int, number: int, sort: str, descending: bool, **filters: str
) -> Page[AccountListRow]:
    """The clients list: accounts with their status, contacts' emails and invitations."""
    query = account_query(tenant_id, **filters)
    columns = query.selected_columns
    by = {
        "name": func.lower(ClientAccount.name),
        "contacts": columns.contacts,
        "last_login": columns.last_login,
        "created": ClientAccount.created_at,
    }[sort]
    page = paginate(_ordered(query, by, descending, ClientAccount.id), number)
    ids = [account.id for account, *_ in page.items]
    links = (
        db.session.execute(
            select(AccountContact.account_id, AccountContact.login_enabled, Contact)
            .join(
                Contact,
                and_(
                    Contact.tenant_id == AccountContact.tenant_id,
                    Contact.id == AccountContact.contact_id,
                ),
            )
            .where(AccountContact.tenant_id == tenant_id, AccountContact.account_id.in_(ids))
            .order_by(Contact.name, Contact.email)
        ).all()
        if ids
        else []
    )
    invitations = latest_invitations(tenant_id, sorted({c.id for _, _, c in links}))
    emails: dict[int, list[str]] = {}
    counts: dict[int, dict[ContactStatus, int]] = {}
    for account_id, login, contact in links:
        shown = emails.setdefault(account_id, [])
        if len(shown) < EMAILS_SHOWN:
            shown.append(contact.email)
        status = contact_status(contact, login, invitations.get(contact.id))
        per = counts.setdefault(account_id, {})
        per[status] = per.get(status, 0) + 1
    rows = [
        AccountListRow(
            account,
            account_status(bool(login_any)),
            contacts,
            last,
            emails.get(account.id, []),
            counts.get(account.id, {}),
        )
        for account, login_any, contacts, last in page.items
    ]
    return Page(rows, page.number, page.per_page, page.has_next)


def account_count(tenant_id: int, **filters: str) -> int:
    """How many accounts the filters match (all pages), for "Select all N matching"."""
    matching = account_query(tenant_id, **filters).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(matching)) or 0


def _pending_status(status: str) -> ColumnElement[bool] | None:
    """SQL for one status of `portal.clients.pending.PendingStatus` (same rules, in order)."""
    sent = Invitation.last_sent_at.is_not(None)
    open_ = and_(Invitation.cancelled_at.is_(None), sent)
    conditions: dict[str, ColumnElement[bool]] = {
        "cancelled": Invitation.cancelled_at.is_not(None),
        "not_invited": and_(
            or_(Invitation.id.is_(None), Invitation.last_sent_at.is_(None)),
            Invitation.cancelled_at.is_(None),
        ),
        "bounced": and_(open_, Invitation.bounced_at.is_not(None)),
        "expired": and_(
            open_,
            Invitation.bounced_at.is_(None),
            Invitation.accepted_at.is_(None),
            Invitation.expires_at <= utcnow(),
        ),
        "invited": and_(
            open_,
            Invitation.bounced_at.is_(None),
            or_(Invitation.expires_at > utcnow(), Invitation.accepted_at.is_not(None)),
        ),
    }
    return conditions.get(status)


def pending_page(
    tenant_id: int,
    number: int,
    sort: str,
    descending: bool,
    *,
    status: str = "",
    search: str = "",
    only: Collection[int] | None = None,
    per_page: int = PER_PAGE,
) -> Page[PendingRow]:
    """Contacts with portal access on a live account who have not activated yet (`only`:
    just these contact ids, for actions on the selected rows)."""
    newest = (
        select(Invitation.contact_id, func.max(Invitation.id).label("invitation_id"))
        .where(Invitation.tenant_id == tenant_id)
        .group_by(Invitation.contact_id)
        .subquery()
    )
    has_access = exists().where(
        AccountContact.tenant_id == Contact.tenant_id,
        AccountContact.contact_id == Contact.id,
        AccountContact.login_enabled.is_(True),
    )
    query = (
        select(Contact, Invitation)
        .outerjoin(newest, newest.c.contact_id == Contact.id)
        .outerjoin(
            Invitation,
            and_(Invitation.tenant_id == tenant_id, Invitation.id == newest.c.invitation_id),
        )
        .where(Contact.tenant_id == tenant_id, Contact.activated_at.is_(None), has_access)
    )
    if only is not None:
        query = query.where(Contact.id.in_(list(only)))
    condition = _pending_status(status)
    if condition is not None:
        query = query.where(condition)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(func.lower(Contact.email).like(pattern), func.lower(Contact.name).like(pattern))
        )
    by = {
        "sent": Invitation.last_sent_at,
        "email": func.lower(Contact.email),
        "count": Invitation.send_count,
    }[sort]
    page = paginate(_ordered(query, by, descending, Contact.id), number, per_page)
    ids = [contact.id for contact, _ in page.items]
    names: dict[int, list[tuple[str, int]]] = {}
    if ids:
        for contact_id, name, account_id in db.session.execute(
            select(AccountContact.contact_id, ClientAccount.name, ClientAccount.id)
            .join(
                ClientAccount,
                and_(
                    ClientAccount.tenant_id == AccountContact.tenant_id,
                    ClientAccount.id == AccountContact.account_id,
                ),
            )
            .where(
                AccountContact.tenant_id == tenant_id,
                AccountContact.contact_id.in_(ids),
                AccountContact.login_enabled.is_(True),
            )
            .order_by(ClientAccount.name, ClientAccount.id)
        ):
            names.setdefault(contact_id, []).append((name, account_id))
    rows = [
        PendingRow(
            contact,
            [name for name, _ in names.get(contact.id, [])],
            invitation,
            email_problem(contact),
            names[contact.id][0][1] if names.get(contact.id) else 0,
        )
        for contact, invitation in page.items
    ]
    return Page(rows, page.number, page.per_page, page.has_next)


def email_problem(contact: Contact) -> str | None:
    if contact.email_problem:
        return contact.email_problem
    try:
        normalize_email(contact.email)
    except UserError:
        return "Invalid address"
    return None


def signup_page(
    tenant_id: int, number: int, sort: str, descending: bool, search: str = ""
) -> Page[Contact]:
    """Self-registrations whose email is not verified yet."""
    query = owned(Contact, tenant_id).where(
        Contact.self_registered.is_(True), Contact.activated_at.is_(None)
    )
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(func.lower(Contact.email).like(pattern), func.lower(Contact.name).like(pattern))
        )
    by = {
        "created": Contact.created_at,
        "email": func.lower(Contact.email),
        "name": func.lower(Contact.name),
    }[sort]
    return paginate(_ordered(query, by, descending, Contact.id), number)


def search_accounts(tenant_id: int, text: str, limit: int = 10) -> list[tuple[int, str, str]]:
    """Type-ahead for account pickers: (id, name, first contact email) of live accounts whose
    name or a contact's name or email contains `text`; names starting with it first."""
    text = text.strip().lower()[:200]
    if not text:
        return []
    pattern = f"%{text}%"
    matching = (
        select(AccountContact.account_id)
        .join(
            Contact,
            and_(
                Contact.tenant_id == AccountContact.tenant_id,
                Contact.id == AccountContact.contact_id,
            ),
        )
        .where(
            AccountContact.tenant_id == tenant_id,
            or_(func.lower(Contact.email).like(pattern), func.lower(Contact.name).like(pattern)),
        )
    )
    first_email = (
        select(func.min(Contact.email))
        .join(
            AccountContact,
            and_(
                AccountContact.tenant_id == Contact.tenant_id,
                AccountContact.contact_id == Contact.id,
            ),
        )
        .where(AccountContact.tenant_id == tenant_id, AccountContact.account_id == ClientAccount.id)
        .scalar_subquery()
    )
    starts = func.lower(ClientAccount.name).like(f"{text}%")
    rows = db.session.execute(
        select(ClientAccount.id, ClientAccount.name, first_email)
        .where(
            ClientAccount.tenant_id == tenant_id,
            ClientAccount.archived_at.is_(None),
            or_(func.lower(ClientAccount.name).like(pattern), ClientAccount.id.in_(matching)),
        )
        .order_by(starts.desc(), func.lower(ClientAccount.name), ClientAccount.id)
        .limit(limit)
    ).all()
    return [(account_id, name, email or "") for account_id, name, email in rows]
