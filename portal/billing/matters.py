"""Matters of a client account: a name, an optional number, open or closed, billing emails."""

from __future__ import annotations

from sqlalchemy import Select

from portal.billing.addresses import join_addresses
from portal.billing.models import Matter, MatterStatus
from portal.clients.models import ClientAccount
from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.scoping import owned, tenant_id_of
from tenants.snapshot import TenantSnapshot


def save_matter(
    tenant: TenantSnapshot | int,
    account: ClientAccount,
    *,
    name: str,
    number: str = "",
    status: str = MatterStatus.OPEN,
    email: str = "",
    matter: Matter | None = None,
) -> Matter:
    """Create a matter for the account, or update `matter`; the addresses are validated."""
    clean_name = " ".join((name or "").split())
    if not clean_name:
        raise UserError("Enter the matter's name.", "name")
    if status not in set(MatterStatus):
        raise UserError("Choose open or closed.", "status")
    emails = join_addresses(email, "email")
    if matter is None:
        matter = Matter(tenant_id=tenant_id_of(tenant), account_id=account.id)
        db.session.add(matter)
    matter.name = clean_name[:200]
    matter.number = (number or "").strip()[:40]
    matter.status = status
    matter.email = emails
    db.session.flush()
    return matter


def matters_of(tenant: TenantSnapshot | int, account_id: int) -> Select[Matter]:
    return owned(Matter, tenant, Matter.account_id == account_id).order_by(
        Matter.status.desc(), Matter.name, Matter.id
    )
