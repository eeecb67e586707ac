"""One page of the staff's client lists: accounts, pending activation, unverified sign-ups.

Each page costs a fixed number of queries whatever the number of rows: the page itself (sorted
and filtered in SQL, one row more than shown), then the page's contacts and invitations in one
query each. Sorting and filters are plain strings from the URL, checked against allow-lists.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, null, or_, select, true
from sqlalchemy.orm import aliased

from portal.clients.directory import filtered_accounts
from portal.clients.invitations import latest_invitations
from portal.clients.models import (
    CONTACT_OF_LINK,
    AccountContact,
    ClientAccount,
    Contact,
    Invitation,
)
from portal.clients.pending import PendingRow
from portal.clients.status import AccountStatus, ContactStatus, account_status, contact_status
from portal.core.database import utcnow
from portal.core.emails import normalize_email
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.pagination import PER_PAGE, Cursor, Page, keyset_page, ordered, paginate
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


def _account_sort(tenant_id: int, sort: str, account: Any) -> tuple[Any, bool]:
    """The SQL value the clients list sorts by, and whether it can be empty. Name and
    creation date have (tenant, value, id) indexes; the contact count and last login are
    per-account subqueries (a full pass, but still no OFFSET)."""
    links = and_(AccountContact.tenant_id == tenant_id, AccountContact.account_id == account.id)
    if sort == "contacts":
        return select(func.count()).where(links).scalar_subquery(), False
    if sort == "last_login":
        latest = (
            select(func.max(Contact.last_login_at))
            .select_from(AccountContact)
            .join(
                Contact,
                CONTACT_OF_LINK,
            )
            .where(links)
            .scalar_subquery()
        )
        return latest, True
    if sort == "created":
        return account.created_at, False
    return func.lower(account.name), False


def account_page(
    tenant_id: int,
    number: int,
    sort: str,
    descending: bool,
    cursor: Cursor | None = None,
    **filters: str,
) -> Page[AccountListRow]:
    """The clients list: accounts with their status, contacts' emails and invitations.

    The page's accounts come from one indexed statement; their contacts (and so the status,
    contact count and last login) from a second, their invitations from a third."""
    query, account = filtered_accounts(tenant_id, **filters)
    key, nullable = _account_sort(tenant_id, sort, account)
    if cursor is None and number > 1:  # a bare page number (old links): OFFSET
        page = paginate(ordered(query, key, descending, account.id), number)
    else:
        page = keyset_page(query, key, account.id, descending, cursor, number, nullable=nullable)
    ids = [item.id for item in page.items]
    links = (
        db.session.execute(
            select(AccountContact.account_id, AccountContact.login_enabled, Contact)
            .join(
                Contact,
                CONTACT_OF_LINK,
            )
            .where(AccountContact.tenant_id == tenant_id, AccountContact.account_id.in_(ids))
            .order_by(Contact.name, Contact.email)
        ).all()
        if ids
        else []
    )
    invitations = latest_invitations(tenant_id, sorted({c.id for _, _, c in links}))
    contacts: dict[int, list[tuple[bool, Contact]]] = {}
    for account_id, login, contact in links:
        contacts.setdefault(account_id, []).append((login, contact))
    rows = []
    for item in page.items:
        linked = contacts.get(item.id, [])
        counts: dict[ContactStatus, int] = {}
        for login, contact in linked:
            status = contact_status(contact, login, invitations.get(contact.id))
            counts[status] = counts.get(status, 0) + 1
        logins = [c.last_login_at for _, c in linked if c.last_login_at is not None]
        rows.append(
            AccountListRow(
                item,
                account_status(any(login for login, _ in linked)),
                len(linked),
                max(logins, default=None),
                [c.email for _, c in linked[:EMAILS_SHOWN]],
                counts,
            )
        )
    return replace(page, items=rows)


@dataclass(frozen=True)
class Count:
    """How many rows a list's filters match: exact up to EXACT_UP_TO, else an estimate."""

    value: int
    exact: bool

    def __str__(self) -> str:
        return str(self.value) if self.exact else f"about {self.value:,}"


EXACT_UP_TO = 5_000


def account_count(tenant_id: int, **filters: str) -> Count:
    """How many accounts the filters match (all pages), for "Select all N matching": counted
    up to EXACT_UP_TO rows (a small firm sees the exact number), beyond that PostgreSQL's
    planner estimate instead of a count over the whole table (bench.client_lists: 244 ms)."""
    query, account = filtered_accounts(tenant_id, **filters)
    ids = query.with_only_columns(account.id).order_by(None)
    postgres = db.engine.dialect.name == "postgresql"
    counted = ids.limit(EXACT_UP_TO + 1) if postgres else ids
    found = db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    if found <= EXACT_UP_TO or not postgres:
        return Count(found, True)
    return Count(max(_estimate(ids), found), False)


def _estimate(statement: Any) -> int:
    """The planner's row estimate for `statement` (PostgreSQL statistics, no rows read)."""
    compiled = statement.compile(dialect=db.engine.dialect)
    plan: Any = (
        db.session.connection()
        .exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params)
        .scalar()
    )
    return int(plan[0]["Plan"]["Plan Rows"])


def _pending_status(status: str, Invitation: Any = Invitation) -> ColumnElement[bool] | None:  # noqa: N803
    """SQL for one status of `portal.clients.pending.PendingStatus` (same rules, in order),
    on `Invitation` or an alias of it."""
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
    cursor: Cursor | None = None,
) -> Page[PendingRow]:
    """Contacts with portal access on a live account who have not activated yet (`only`:
    just these contact ids, for actions on the selected rows)."""

    def pending(invitation: Any, query: Any) -> Any:
        """The list's conditions on `query` (contacts joined to their latest invitation)."""
        has_access = exists().where(
            AccountContact.tenant_id == Contact.tenant_id,
            AccountContact.contact_id == Contact.id,
            AccountContact.login_enabled.is_(True),
        )
        query = query.where(
            Contact.tenant_id == tenant_id, Contact.activated_at.is_(None), has_access
        )
        if only is not None:
            query = query.where(Contact.id.in_(list(only)))
        condition = _pending_status(status, invitation)
        if condition is not None:
            query = query.where(condition)
        if search:
            pattern = f"%{search.lower()}%"
            query = query.where(
                or_(func.lower(Contact.email).like(pattern), func.lower(Contact.name).like(pattern))
            )
        return query

    # Two shapes of the same rows, each read in its own index order: from the contacts, with
    # each one's latest invitation (LATERAL), and from the invitations (latest ones: no newer
    # one exists), for "latest sent first" (bench.client_lists: 843 ms -> a few ms).
    latest, joined = _with_latest_invitation(tenant_id)
    by_contact = pending(latest, joined)
    newer = aliased(Invitation)
    by_invitation = pending(
        Invitation,
        select(Contact, Invitation)
        .join(
            Contact,
            and_(Contact.tenant_id == Invitation.tenant_id, Contact.id == Invitation.contact_id),
        )
        .where(
            Invitation.tenant_id == tenant_id,
            ~exists().where(
                newer.tenant_id == tenant_id,
                newer.contact_id == Invitation.contact_id,
                newer.id > Invitation.id,
            ),
        ),
    )
    if sort == "email":
        key = func.lower(Contact.email)
        if cursor is None and number > 1:  # a bare page number (old links): OFFSET
            page = paginate(ordered(by_contact, key, descending, Contact.id), number, per_page)
        else:
            page = keyset_page(
                by_contact, key, Contact.id, descending, cursor, number, per_page=per_page
            )
    else:
        column = "last_sent_at" if sort == "sent" else "send_count"
        # The rows without a value: no latest invitation that was sent (or none at all), as
        # NOT EXISTS, which the planner estimates well (a filter on the LATERAL's NULLs it
        # estimates at one row, and then compiles the statement with JIT: +1 s).
        mine, later = aliased(Invitation), aliased(Invitation)
        sent = exists().where(
            mine.tenant_id == tenant_id,
            mine.contact_id == Contact.id,
            getattr(mine, column).is_not(None),
            ~exists().where(
                later.tenant_id == tenant_id,
                later.contact_id == mine.contact_id,
                later.id > mine.id,
            ),
        )
        if cursor is None and number > 1:
            by = getattr(latest, column)
            page = paginate(ordered(by_contact, by, descending, Contact.id), number, per_page)
        else:
            page = keyset_page(
                by_invitation,
                getattr(Invitation, column),
                Invitation.contact_id,
                descending,
                cursor,
                number,
                nullable=True,
                per_page=per_page,
                empty=(by_contact.where(~sent), null(), Contact.id),
            )
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
    return replace(page, items=rows)


def _with_latest_invitation(tenant_id: int) -> tuple[Any, Any]:
    """(invitation entity, contacts outer-joined to their latest invitation): a LATERAL
    subquery on PostgreSQL (an index probe per contact read), the latest id on SQLite."""
    if db.engine.dialect.name == "postgresql":
        latest = aliased(
            Invitation,
            select(Invitation)
            .where(Invitation.tenant_id == tenant_id, Invitation.contact_id == Contact.id)
            .order_by(Invitation.id.desc())
            .limit(1)
            .subquery()
            .lateral(),
        )
        return latest, select(Contact, latest).outerjoin(latest, true())
    latest = aliased(Invitation)
    newest = (
        select(func.max(Invitation.id))
        .where(Invitation.tenant_id == tenant_id, Invitation.contact_id == Contact.id)
        .scalar_subquery()
    )
    joined = and_(
        latest.tenant_id == tenant_id, latest.contact_id == Contact.id, latest.id == newest
    )
    return latest, select(Contact, latest).outerjoin(latest, joined)


def email_problem(contact: Contact) -> str | None:
    if contact.email_problem:
        return contact.email_problem
    try:
        normalize_email(contact.email)
    except UserError:
        return "Invalid address"
    return None


def signup_page(
    tenant_id: int,
    number: int,
    sort: str,
    descending: bool,
    search: str = "",
    cursor: Cursor | None = None,
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
    if cursor is None and number > 1:  # a bare page number (old links): OFFSET
        return paginate(ordered(query, by, descending, Contact.id), number)
    return keyset_page(query, by, Contact.id, descending, cursor, number)


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
            CONTACT_OF_LINK,
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
