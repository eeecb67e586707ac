from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import utcnow
from portal.core.extensions import Model
from tenants.scoping import TenantOwned


class LinkMode(enum.StrEnum):
    TAB = "tab"  # opens the firm's page in a new tab
    EMBED = "embed"  # shows it inside the portal, in a sandboxed frame


class TenantModule(TenantOwned, Model):
    """A tenant's override of one registry module; absent rows mean the registry's defaults."""

    __tablename__ = "tenant_modules"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32))
    enabled: Mapped[bool] = mapped_column(default=True)
    title: Mapped[str] = mapped_column(String(60), default="")
    icon: Mapped[str] = mapped_column(String(32), default="")
    position: Mapped[int] = mapped_column(default=0)


class ModuleLink(TenantOwned, Model):
    """An entry of the link module: an external page opened in a new tab or embedded."""

    __tablename__ = "module_links"
    __table_args__ = (UniqueConstraint("tenant_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(60))
    url: Mapped[str] = mapped_column(String(2000))
    mode: Mapped[str] = mapped_column(String(8), default=LinkMode.TAB)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
