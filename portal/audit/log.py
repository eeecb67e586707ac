"""Reading a firm's audit log: filters (event, person, dates), and the retention purge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, ScalarSelect, Select, delete, select

from portal.audit.models import AuditEvent
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.core.pagination import Page, paginate
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

PURGE_BATCH = 5000


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """What the audit log page filters on; every field is optional (empty: no filter)."""

    event: str = ""
    person_kind: str = ""  # "staff", "client", "operator" or "" for anyone
    person_id: int | None = None
    since: date | None = None
    until: date | None = None  # inclusive


def filtered_events(tenant: TenantSnapshot | int, filters: AuditFilters) -> Select[AuditEvent]:
    """The firm's events matching `filters`, newest first."""
    criteria = []
    if filters.event:
        criteria.append(AuditEvent.event == filters.event)
    if filters.person_kind:
        criteria.append(AuditEvent.principal_kind == filters.person_kind)
    if filters.person_id is not None:
        criteria.append(AuditEvent.principal_id == filters.person_id)
    if filters.since is not None:
        criteria.append(AuditEvent.at >= datetime.combine(filters.since, time.min))
    if filters.until is not None:
        criteria.append(
            AuditEvent.at < datetime.combine(filters.until + timedelta(days=1), time.min)
        )
    return owned(AuditEvent, tenant, *criteria).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def events_page(
    tenant: TenantSnapshot | int, filters: AuditFilters, number: int
) -> Page[AuditEvent]:
    """One page of the filtered log: one query whatever the page or the log's size."""
    return paginate(filtered_events(tenant, filters), number)


def event_names(tenant: TenantSnapshot | int) -> list[str]:
    """Every kind of event this firm's log holds, for the filter's choices."""
    return list(db.session.scalars(event_names_query(tenant)))


def event_names_query(tenant: TenantSnapshot | int) -> Select[tuple[str]]:
    """The firm's distinct event names, in order.

    Event names are open-ended (staff actions are named after their endpoint), so they are read
    from the log, but not by a DISTINCT over millions of rows: one recursive query hops from
    each name to the next in the (tenant_id, event, at) index, one index seek per name."""

    def after(previous: ColumnElement[str] | None = None) -> ScalarSelect[str]:
        criteria = [] if previous is None else [AuditEvent.event > previous]
        query = owned(AuditEvent, tenant, *criteria).with_only_columns(AuditEvent.event)
        return query.order_by(AuditEvent.event).limit(1).scalar_subquery()

    names = select(after().label("event")).cte("event_names", recursive=True)
    names = names.union_all(select(after(names.c.event)).where(names.c.event.is_not(None)))
    return select(names.c.event).where(names.c.event.is_not(None))


def purge_expired(retention_days: int) -> int:
    """Delete events older than the retention period, every firm at once, in batches so one run
    never holds a long lock; returns how many went."""
    cutoff = utcnow() - timedelta(days=retention_days)
    removed = 0
    while True:
        batch = select(AuditEvent.id).where(AuditEvent.at < cutoff).limit(PURGE_BATCH)
        result = db.session.execute(delete(AuditEvent).where(AuditEvent.id.in_(batch)))
        db.session.commit()
        count = result.rowcount or 0  # type: ignore[attr-defined]
        removed += count
        if count < PURGE_BATCH:
            return removed
