"""Tenant-owned rows: one mixin for their `tenant_id`, and the only ways services read them.

Every tenant-owned table carries a non-null, indexed `tenant_id` that is also part of its
unique constraints and composite foreign keys (ready for Citus distribution). Services never
filter on `tenant_id` by hand: `owned(Model, tenant)` is the scoped select and
`get_owned(Model, tenant, id)` the scoped lookup, so another tenant's id finds nothing.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ForeignKey, Select, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from portal.core.extensions import db
from tenants.snapshot import TenantSnapshot

T = TypeVar("T", bound="TenantOwned")


class TenantOwned:
    """Mixin for every model that belongs to one tenant."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805  (declared_attr receives the class)
        return mapped_column(ForeignKey("tenants.id"), index=True)


def tenant_id_of(tenant: TenantSnapshot | int) -> int:
    """Services take the request's `TenantSnapshot`; jobs may pass the bare id they were given."""
    return tenant if isinstance(tenant, int) else tenant.id


def owned(model: type[T], tenant: TenantSnapshot | int, *criteria: Any) -> Select[T]:
    """`SELECT model WHERE tenant_id = tenant` plus any further criteria."""
    return select(model).where(model.tenant_id == tenant_id_of(tenant), *criteria)


def get_owned(model: type[T], tenant: TenantSnapshot | int, ident: int | None) -> T | None:
    """The row with this id if the tenant owns it; None for another tenant's id."""
    if ident is None:
        return None
    row = db.session.get(model, ident)  # the identity map answers repeats without a query
    return row if row is not None and row.tenant_id == tenant_id_of(tenant) else None
