"""What the platform records about a tenant's lifecycle beyond its status: why it was suspended
and when deletion was asked for, with the export archive built before the purge."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.extensions import Model


class TenantLifecycle(Model):
    """One row per tenant that was ever suspended or scheduled for deletion."""

    __tablename__ = "tenant_lifecycles"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    suspension_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    suspended_at: Mapped[datetime | None]
    deletion_requested_at: Mapped[datetime | None]
    deletion_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    previous_status: Mapped[str] = mapped_column(String(16), default="", server_default="")
    export_key: Mapped[str] = mapped_column(String(200), default="", server_default="")
    export_ready_at: Mapped[datetime | None]
