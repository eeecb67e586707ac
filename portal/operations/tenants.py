"""The operator's tenant list: one row per tenant with its hosts, clients, the share of contacts
who activated, mail sent in the last 30 days, and domain states, in a constant number of queries
(one per figure, each grouped by tenant, whatever the page size)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Select, func, or_, select

from portal.clients.models import ClientAccount, Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.core.pagination import Page, paginate
from portal.mail.models import OutboxMessage, OutboxStatus
from portal.maildomains.models import MailDomain
from portal.operations.models import TenantLifecycle
from tenants.models import Domain, DomainStatus, Tenant
from tenants.resolution import platform_host_for

# The domain column shows the most worrying state among a tenant's custom hosts.
DOMAIN_CONCERN = ("", DomainStatus.VERIFIED, DomainStatus.PENDING, DomainStatus.FAILED)


@dataclass
class TenantRow:
    tenant: Tenant
    lifecycle: TenantLifecycle | None
    hosts: list[str] = field(default_factory=list)
    domain_status: str = ""
    email_domain_status: str = ""
    clients: int = 0
    contacts: int = 0
    active_contacts: int = 0
    mail_30d: int = 0

    @property
    def active_share(self) -> int:
        """Percent of contacts who activated their account."""
        return round(100 * self.active_contacts / self.contacts) if self.contacts else 0


def tenant_query(search: str = "", status: str = "") -> Select[Tenant]:
    query = select(Tenant).order_by(Tenant.slug)
    term = search.strip().lower()[:100]
    if term:
        like = f"%{term}%"
        hosts = select(Domain.tenant_id).where(func.lower(Domain.host).like(like))
        query = query.where(
            or_(
                func.lower(Tenant.name).like(like),
                func.lower(Tenant.slug).like(like),
                Tenant.id.in_(hosts),
            )
        )
    if status:
        query = query.where(Tenant.status == status)
    return query


def tenant_page(search: str, status: str, number: int, per_page: int = 25) -> Page[TenantRow]:
    raw = paginate(tenant_query(search, status), number, per_page)
    return Page(tenant_rows(raw.items), raw.number, raw.per_page, raw.has_next)


def tenant_rows(tenants: list[Tenant]) -> list[TenantRow]:
    ids = [t.id for t in tenants]
    rows = {t.id: TenantRow(t, None, hosts=[platform_host_for(t.slug)]) for t in tenants}
    if not ids:
        return []
    for life in db.session.scalars(
        select(TenantLifecycle).where(TenantLifecycle.tenant_id.in_(ids))
    ):
        rows[life.tenant_id].lifecycle = life
    for tenant_id, host, status in db.session.execute(
        select(Domain.tenant_id, Domain.host, Domain.status)
        .where(Domain.tenant_id.in_(ids))
        .order_by(Domain.host)
    ):
        row = rows[tenant_id]
        if status == DomainStatus.VERIFIED:
            row.hosts.append(host)  # served; pending claims only count in the status
        row.domain_status = max(row.domain_status, status, key=DOMAIN_CONCERN.index)
    for tenant_id, status in db.session.execute(
        select(MailDomain.tenant_id, MailDomain.status).where(MailDomain.tenant_id.in_(ids))
    ):
        rows[tenant_id].email_domain_status = status
    for tenant_id, count in db.session.execute(
        select(ClientAccount.tenant_id, func.count())
        .where(
            ClientAccount.tenant_id.in_(ids),
            ClientAccount.archived_at.is_(None),
            ClientAccount.is_test.is_(False),
        )
        .group_by(ClientAccount.tenant_id)
    ):
        rows[tenant_id].clients = count
    for tenant_id, total, active in db.session.execute(
        select(Contact.tenant_id, func.count(), func.count(Contact.activated_at))
        .where(Contact.tenant_id.in_(ids))
        .group_by(Contact.tenant_id)
    ):
        rows[tenant_id].contacts = total
        rows[tenant_id].active_contacts = active
    since = utcnow() - timedelta(days=30)
    for tenant_id, count in db.session.execute(
        select(OutboxMessage.tenant_id, func.count())
        .where(
            OutboxMessage.tenant_id.in_(ids),
            OutboxMessage.status == OutboxStatus.SENT,
            OutboxMessage.sent_at >= since,
        )
        .group_by(OutboxMessage.tenant_id)
    ):
        rows[tenant_id].mail_30d = count
    return [rows[i] for i in ids]
