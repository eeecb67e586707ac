"""Staff set up groups: name, description, and who may see them (every client, or the clients
of chosen accounts or of accounts with chosen tags); archived groups disappear for clients
but keep their posts. The caller commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, select

from portal.clients.models import AccountTag, ClientAccount
from portal.community.models import (
    DESCRIPTION_MAX,
    NAME_MAX,
    Audience,
    Group,
    GroupAccount,
    GroupTag,
)
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

TAG_MAX = 50
CHOICES_MAX = 200  # accounts or tags on one group


@dataclass(frozen=True, slots=True)
class GroupInput:
    name: str
    description: str
    audience: str
    account_ids: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()


def staff_groups(tenant: TenantSnapshot, *, archived: bool = False) -> Select[Any]:
    state = Group.archived_at.is_not(None) if archived else Group.archived_at.is_(None)
    return owned(Group, tenant, state).order_by(Group.name, Group.id)


def parse_tags(raw: str) -> tuple[str, ...]:
    """ "VIP, landlords" → ("vip", "landlords"): lowercased and trimmed like account tags."""
    seen: dict[str, None] = {}
    for part in raw.split(","):
        tag = " ".join(part.split()).lower()
        if tag:
            if len(tag) > TAG_MAX:
                raise UserError(f"Tags are at most {TAG_MAX} characters: {tag[:20]}…", "tags")
            seen[tag] = None
    return tuple(seen)


def known_tags(tenant: TenantSnapshot) -> list[str]:
    """The firm's tags in use, for the form's suggestions."""
    return list(
        db.session.scalars(
            select(AccountTag.tag)
            .distinct()
            .where(AccountTag.tenant_id == tenant.id)
            .order_by(AccountTag.tag)
            .limit(CHOICES_MAX)
        )
    )


def access_of(tenant: TenantSnapshot, group: Group) -> tuple[list[ClientAccount], list[str]]:
    accounts = db.session.scalars(
        owned(ClientAccount, tenant)
        .join(
            GroupAccount,
            (GroupAccount.tenant_id == ClientAccount.tenant_id)
            & (GroupAccount.account_id == ClientAccount.id),
        )
        .where(GroupAccount.group_id == group.id)
        .order_by(ClientAccount.name)
    )
    tags = db.session.scalars(
        owned(GroupTag, tenant, GroupTag.group_id == group.id)
        .with_only_columns(GroupTag.tag)
        .order_by(GroupTag.tag)
    )
    return list(accounts), list(tags)


def _validate(tenant: TenantSnapshot, data: GroupInput, group: Group | None) -> GroupInput:
    name = " ".join(data.name.split())
    if not name:
        raise UserError("Give the group a name.", "name")
    if len(name) > NAME_MAX:
        raise UserError(f"Names are at most {NAME_MAX} characters.", "name")
    clash = db.session.scalar(owned(Group, tenant, Group.name == name).with_only_columns(Group.id))
    if clash is not None and (group is None or clash != group.id):
        raise UserError("Another group already has this name.", "name")
    description = data.description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise UserError(f"Descriptions are at most {DESCRIPTION_MAX} characters.", "description")
    if data.audience not in set(Audience):
        raise UserError("Choose who may see the group.", "audience")
    account_ids = tuple(dict.fromkeys(data.account_ids))
    if len(account_ids) > CHOICES_MAX or len(data.tags) > CHOICES_MAX:
        raise UserError(f"Choose at most {CHOICES_MAX} accounts and tags.", "accounts")
    if account_ids:
        found = set(
            db.session.scalars(
                owned(ClientAccount, tenant, ClientAccount.id.in_(account_ids)).with_only_columns(
                    ClientAccount.id
                )
            )
        )
        if found != set(account_ids):
            raise UserError("One of the chosen accounts no longer exists.", "accounts")
    if data.audience == Audience.CHOSEN and not account_ids and not data.tags:
        raise UserError(
            "Choose at least one account or tag, or open it to every client.", "accounts"
        )
    return GroupInput(name, description, data.audience, account_ids, data.tags)


def create_group(tenant: TenantSnapshot, data: GroupInput) -> Group:
    clean = _validate(tenant, data, None)
    group = Group(
        tenant_id=tenant.id, name=clean.name, description=clean.description, audience=clean.audience
    )
    db.session.add(group)
    db.session.flush()
    _set_access(tenant, group, clean.account_ids, clean.tags)
    return group


def update_group(tenant: TenantSnapshot, group: Group, data: GroupInput) -> None:
    clean = _validate(tenant, data, group)
    group.name, group.description, group.audience = clean.name, clean.description, clean.audience
    _set_access(tenant, group, clean.account_ids, clean.tags)


def set_archived(group: Group, archived: bool) -> None:
    group.archived_at = (group.archived_at or utcnow()) if archived else None


def _set_access(
    tenant: TenantSnapshot, group: Group, account_ids: Iterable[int], tags: Iterable[str]
) -> None:
    """The chosen accounts and tags replace the old ones (kept only for the chosen audience)."""
    chosen = group.audience == Audience.CHOSEN
    for model in (GroupAccount, GroupTag):
        db.session.execute(
            delete(model).where(model.tenant_id == tenant.id, model.group_id == group.id)
        )
    if not chosen:
        return
    db.session.add_all(
        GroupAccount(tenant_id=tenant.id, group_id=group.id, account_id=i) for i in account_ids
    )
    db.session.add_all(GroupTag(tenant_id=tenant.id, group_id=group.id, tag=t) for t in tags)
