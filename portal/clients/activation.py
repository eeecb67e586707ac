"""Activation overview for the dashboard home: where the firm's clients stand, and how that
changed over the last weeks.

Everything is computed from existing timestamps (no history table): a contact counts as
Active from `activated_at`, Invited from its first invitation's `first_sent_at`, and Offline
or Pending activation by today's portal access (access changes are not dated). Archived
accounts and the test client are left out. Each function is one query, whatever the number of
clients, so the dashboard's cost stays flat.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, not_, or_, select
from sqlalchemy.orm import aliased

from portal.clients import figures
from portal.clients.models import AccountContact, ClientAccount, Contact, Invitation
from portal.core.database import utcnow
from portal.core.extensions import db

WEEKS = 12
ATTENTION_LIMIT = 8
ACTIVITY_LIMIT = 8
MANY_SENDS = 3


class Funnel(enum.StrEnum):
    OFFLINE = "Offline"
    PENDING = "Pending activation"
    INVITED = "Invited"
    ACTIVE = "Active"


@dataclass(frozen=True)
class Counts:
    contacts: dict[Funnel, int]
    accounts_active: int
    accounts_offline: int

    @property
    def total(self) -> int:
        return sum(self.contacts.values())

    @property
    def active_share(self) -> int:
        """Active contacts as a whole percentage of all contacts (0 when there are none)."""
        return round(100 * self.contacts[Funnel.ACTIVE] / self.total) if self.total else 0


@dataclass(frozen=True)
class Week:
    ends: datetime
    counts: dict[Funnel, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Attention:
    contact_id: int
    email: str
    account_id: int
    reason: str
    send_count: int
    last_sent_at: datetime | None


@dataclass(frozen=True)
class Activity:
    at: datetime
    email: str
    what: str
    account_id: int


def _live_link(*, login: bool) -> ColumnElement[bool]:
    """The contact is linked to a live (not archived, not test) account, with access if asked."""
    criteria = [
        AccountContact.tenant_id == Contact.tenant_id,  # lets the (tenant, contact) index serve
        AccountContact.tenant_id == ClientAccount.tenant_id,
        AccountContact.account_id == ClientAccount.id,
        AccountContact.contact_id == Contact.id,
        ClientAccount.archived_at.is_(None),
        ClientAccount.is_test.is_(False),
    ]
    if login:
        criteria.append(AccountContact.login_enabled.is_(True))
    return exists().where(*criteria)


def _first_sent() -> Any:
    return (
        select(func.min(Invitation.first_sent_at))
        .where(Invitation.tenant_id == Contact.tenant_id, Invitation.contact_id == Contact.id)
        .scalar_subquery()
    )


def counts(tenant_id: int) -> Counts:
    access = _live_link(login=True)
    invited = exists().where(
        Invitation.tenant_id == Contact.tenant_id,
        Invitation.contact_id == Contact.id,
        Invitation.last_sent_at.is_not(None),
        Invitation.cancelled_at.is_(None),
    )
    stage = case(
        (not_(access), Funnel.OFFLINE.value),
        (Contact.activated_at.is_not(None), Funnel.ACTIVE.value),
        (invited, Funnel.INVITED.value),
        else_=Funnel.PENDING.value,
    )
    rows = db.session.execute(
        select(stage, func.count())
        .where(Contact.tenant_id == tenant_id, _live_link(login=False))
        .group_by(stage)
    ).all()
    found = {Funnel(name): number for name, number in rows}
    login_any = exists().where(
        AccountContact.tenant_id == ClientAccount.tenant_id,
        AccountContact.account_id == ClientAccount.id,
        AccountContact.login_enabled.is_(True),
    )
    active, total = db.session.execute(
        select(func.sum(case((login_any, 1), else_=0)), func.count()).where(
            ClientAccount.tenant_id == tenant_id,
            ClientAccount.archived_at.is_(None),
            ClientAccount.is_test.is_(False),
        )
    ).one()
    return Counts({f: found.get(f, 0) for f in Funnel}, active or 0, total - (active or 0))


def history(tenant_id: int, now: datetime | None = None) -> list[Week]:
    """Contacts per stage at the end of each of the last WEEKS weeks (oldest first)."""
    now = now or utcnow()
    ends = [now - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]
    # One pass over the contacts: each contact's dates and today's access are computed once
    # in a derived table, then summed per week (correlated subqueries per week were quadratic).
    firsts = (
        select(Invitation.contact_id, func.min(Invitation.first_sent_at).label("first_sent"))
        .where(Invitation.tenant_id == tenant_id)
        .group_by(Invitation.contact_id)
        .subquery()
    )
    contacts = (
        select(
            Contact.created_at,
            Contact.activated_at,
            firsts.c.first_sent,
            case((_live_link(login=True), 1), else_=0).label("access"),
        )
        .outerjoin(firsts, firsts.c.contact_id == Contact.id)
        .where(Contact.tenant_id == tenant_id, _live_link(login=False))
        .subquery()
    )
    c = contacts.c
    columns = []
    for end in ends:
        present = c.created_at <= end
        active = and_(c.activated_at.is_not(None), c.activated_at <= end)
        invited = and_(not_(active), c.first_sent.is_not(None), c.first_sent <= end)
        columns += [
            func.sum(case((and_(present, active), 1), else_=0)),
            func.sum(case((and_(present, invited), 1), else_=0)),
            func.sum(case((and_(present, not_(or_(active, invited)), c.access == 0), 1), else_=0)),
            func.sum(case((present, 1), else_=0)),
        ]
    row = db.session.execute(select(*columns).select_from(contacts)).one()
    weeks = []
    for i, end in enumerate(ends):
        n_active, n_invited, n_offline, n_total = (int(v or 0) for v in row[4 * i : 4 * i + 4])
        weeks.append(
            Week(
                end,
                {
                    Funnel.OFFLINE: n_offline,
                    Funnel.PENDING: n_total - n_active - n_invited - n_offline,
                    Funnel.INVITED: n_invited,
                    Funnel.ACTIVE: n_active,
                },
            )
        )
    return weeks


def _first_account() -> ColumnElement[int]:
    return (
        select(func.min(AccountContact.account_id))
        .where(
            AccountContact.tenant_id == Contact.tenant_id,
            AccountContact.contact_id == Contact.id,
        )
        .scalar_subquery()
    )


def needing_attention(tenant_id: int, now: datetime | None = None) -> list[Attention]:
    """Open invitations that expired, bounced or were sent MANY_SENDS times or more, to
    contacts who still have access and have not activated; most recently sent first."""
    now = now or utcnow()
    newer = aliased(Invitation)
    # Latest invitations only (no newer one), read from the (tenant, last_sent_at, contact)
    # index most recent first: no pass over all invitations (bench.client_lists: 0.6 s).
    newest = ~exists().where(
        newer.tenant_id == tenant_id,
        newer.contact_id == Invitation.contact_id,
        newer.id > Invitation.id,
    )
    rows = db.session.execute(
        select(Invitation, Contact.email, _first_account())
        .join(
            Contact,
            and_(Contact.tenant_id == Invitation.tenant_id, Contact.id == Invitation.contact_id),
        )
        .where(
            Invitation.tenant_id == tenant_id,
            newest,
            Invitation.accepted_at.is_(None),
            Invitation.cancelled_at.is_(None),
            Invitation.last_sent_at.is_not(None),
            Contact.activated_at.is_(None),
            _live_link(login=True),
            or_(
                Invitation.bounced_at.is_not(None),
                Invitation.expires_at <= now,
                Invitation.send_count >= MANY_SENDS,
            ),
        )
        .order_by(Invitation.last_sent_at.desc(), Invitation.contact_id.desc())
        .limit(ATTENTION_LIMIT)
    ).all()
    result = []
    for invitation, email, account_id in rows:
        if invitation.bounced_at is not None:
            reason = f"Bounced: {invitation.bounce_reason or 'the address refused it'}"
        elif invitation.expires_at <= now:
            reason = "Expired"
        else:
            reason = f"Sent {invitation.send_count} times"
        result.append(
            Attention(
                invitation.contact_id,
                email,
                account_id or 0,
                reason,
                invitation.send_count,
                invitation.last_sent_at,
            )
        )
    return result


def recent_activity(tenant_id: int) -> list[Activity]:
    """The latest sign-ins and accepted invitations, newest first."""
    live = _live_link(login=False)
    signins = db.session.execute(
        select(Contact.last_login_at, Contact.email, _first_account())
        .where(Contact.tenant_id == tenant_id, Contact.last_login_at.is_not(None), live)
        .order_by(Contact.last_login_at.desc())
        .limit(ACTIVITY_LIMIT)
    ).all()
    accepted = db.session.execute(
        select(Invitation.accepted_at, Contact.email, _first_account())
        .join(
            Contact,
            and_(Contact.tenant_id == Invitation.tenant_id, Contact.id == Invitation.contact_id),
        )
        .where(Invitation.tenant_id == tenant_id, Invitation.accepted_at.is_not(None), live)
        .order_by(Invitation.accepted_at.desc())
        .limit(ACTIVITY_LIMIT)
    ).all()
    items = [Activity(at, email, "Signed in", account or 0) for at, email, account in signins if at]
    items += [
        Activity(at, email, "Accepted the invitation", account or 0)
        for at, email, account in accepted
        if at
    ]
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:ACTIVITY_LIMIT]


def overview(tenant_id: int) -> tuple[Counts, list[Week]]:
    """`counts` and `history` for the dashboard, cached until the firm's clients change
    (portal.clients.figures): both read every contact (5 s at 150,000 accounts)."""
    stored = figures.cached(
        tenant_id,
        "activation",
        lambda: _to_json(counts(tenant_id), history(tenant_id)),
    )
    now = {Funnel(name): number for name, number in stored["contacts"].items()}
    weeks = [
        Week(datetime.fromisoformat(ends), {Funnel(n): v for n, v in values.items()})
        for ends, values in stored["weeks"]
    ]
    return Counts(now, stored["accounts_active"], stored["accounts_offline"]), weeks


def _to_json(now: Counts, weeks: list[Week]) -> dict[str, Any]:
    return {
        "contacts": {str(name): number for name, number in now.contacts.items()},
        "accounts_active": now.accounts_active,
        "accounts_offline": now.accounts_offline,
        "weeks": [
            [week.ends.isoformat(), {str(n): v for n, v in week.counts.items()}] for week in weeks
        ],
    }
