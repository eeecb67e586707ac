"""The stored audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import utcnow
from portal.core.extensions import Model
from tenants.scoping import TenantOwned


class AuditEvent(TenantOwned, Model):
    """One security event of a firm (its sign-ins, links and sessions).

    Tenant-owned like every table with a `tenant_id` (non-null, indexed, read with `owned`).
    Events on the platform host (operator sign-ins, a firm's cookie replayed there) belong to
    no tenant: they go to the `foyer.audit` log only, never to this table.
    """

    __tablename__ = "audit_events"
    # The audit log page and the retention purge read a firm's events by time; the event filter
    # reads one kind of event by time, and its menu hops from one event name to the next.
    __table_args__ = (
        Index("ix_audit_events_tenant_at", "tenant_id", "at"),
        Index("ix_audit_events_tenant_event_at", "tenant_id", "event", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    event: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(16))
    principal_kind: Mapped[str] = mapped_column(String(16), default="")
    principal_id: Mapped[int | None]
    ip: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(String(200), default="")
