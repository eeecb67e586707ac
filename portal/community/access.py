"""Who may see a group: a client sees it through the account they are looking at (everyone,
that account chosen, or one of its tags chosen); staff see every group of the firm."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.clients.models import AccountContact, AccountTag
from portal.community.models import Audience, Group, GroupAccount, GroupTag, Membership, Role
from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.scoping import get_owned, owned, tenant_id_of
from tenants.snapshot import TenantSnapshot


def _open_to(tenant_id: int, account_id: Any) -> ColumnElement[bool]:
    """SQL: the group (`Group` in the outer query) is open to the account `account_id`
    (a value or a column)."""
    by_account = exists().where(
        GroupAccount.tenant_id == tenant_id,
        GroupAccount.group_id == Group.id,
        GroupAccount.account_id == account_id,
    )
    by_tag = exists().where(
        GroupTag.tenant_id == tenant_id,
        GroupTag.group_id == Group.id,
        AccountTag.tenant_id == tenant_id,
        AccountTag.account_id == account_id,
        AccountTag.tag == GroupTag.tag,
    )
    return or_(Group.audience == Audience.ALL, by_account, by_tag)


def visible_groups(tenant: TenantSnapshot | int, account_id: int) -> Select[Any]:
    """The groups the account's clients see, newest activity first (unarchived only)."""
    tenant_id = tenant_id_of(tenant)
    return owned(
        Group, tenant_id, Group.archived_at.is_(None), _open_to(tenant_id, account_id)
    ).order_by(Group.last_post_at.desc().nulls_last(), Group.name, Group.id)


def visible_group(tenant: TenantSnapshot | int, account_id: int, group_id: int) -> Group | None:
    """The group if the account's clients may see it, else None (another tenant's, archived,
    or closed to this account: all the same to the caller, who answers 404)."""
    tenant_id = tenant_id_of(tenant)
    return db.session.scalar(
        owned(
            Group,
            tenant_id,
            Group.id == group_id,
            Group.archived_at.is_(None),
            _open_to(tenant_id, account_id),
        )
    )


def staff_group(tenant: TenantSnapshot | int, group_id: int) -> Group | None:
    return get_owned(Group, tenant, group_id)


def members_with_access(tenant: TenantSnapshot | int, group: Group) -> list[int]:
    """Contact ids of the group's members who can still see it through any account with
    portal access (someone moved out of a tagged account no longer hears of it)."""
    tenant_id = tenant_id_of(tenant)
    reachable = exists().where(
        AccountContact.tenant_id == tenant_id,
        AccountContact.contact_id == Membership.contact_id,
        AccountContact.login_enabled.is_(True),
        _open_to(tenant_id, AccountContact.account_id),
    )
    query = (
        select(Membership.contact_id)
        .join(Group, and_(Group.tenant_id == tenant_id, Group.id == Membership.group_id))
        .where(Membership.tenant_id == tenant_id, Membership.group_id == group.id, reachable)
    )
    return list(db.session.scalars(query))


def join(tenant: TenantSnapshot | int, group: Group, contact_id: int) -> Membership:
    """The contact's membership, created the first time they open the group; the caller
    commits. An insert that skips an existing row, so two tabs opening the group at once
    don't collide (a savepoint would run the after-commit work of the whole request early)."""
    tenant_id = tenant_id_of(tenant)
    key = (tenant_id, group.id, contact_id)
    member = db.session.get(Membership, key)
    if member is not None:
        return member
    values = {
        "tenant_id": tenant_id,
        "group_id": group.id,
        "contact_id": contact_id,
        "role": Role.MEMBER.value,
        "joined_at": utcnow(),
    }
    insert = sqlite_insert if db.engine.dialect.name == "sqlite" else postgresql_insert
    db.session.execute(insert(Membership).values(**values).on_conflict_do_nothing())
    member = db.session.get(Membership, key, populate_existing=True)
    assert member is not None
    return member


def muted_until(member: Membership | None, now: datetime | None = None) -> datetime | None:
    """When the member may post again, or None if they may post now."""
    if member is None or member.muted_until is None:
        return None
    return member.muted_until if member.muted_until > (now or utcnow()) else None
