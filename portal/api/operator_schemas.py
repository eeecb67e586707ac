"""Request and response models of the operator API (tenants, on the platform host)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from portal.api.schemas import Stamp, Strict


class Tenant(BaseModel):
    id: int
    slug: str
    name: str
    status: str
    hosts: list[str]
    domain_status: str
    email_domain_status: str
    clients: int
    contacts: int
    active_share: int
    mail_30d: int
    suspension_reason: str
    deletion_requested_at: Stamp | None
    purge_after: Stamp | None


class TenantList(BaseModel):
    data: list[Tenant]
    next_cursor: str | None


class TenantCreate(Strict):
    slug: str = Field(min_length=1, max_length=63)
    name: str = Field(min_length=1, max_length=200)
    owner_email: str = Field(min_length=3, max_length=320)


class Reason(Strict):
    reason: str = Field(min_length=1, max_length=500)


class TenantDelete(Strict):
    confirm: str = Field(min_length=1, max_length=63, description="The tenant's slug, again.")
    reason: str = Field(default="", max_length=500)
