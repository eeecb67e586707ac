"""The operator's tenant list (search, pagination, constant queries) and suspend/resume with a
reason that is kept and audited; impersonation is not offered."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.clients.models import ClientAccount, Contact
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.operations.models import TenantLifecycle
from tenants.models import Domain, Tenant
from tests.fixtures.queries import counting


def add_tenants(start: int, stop: int) -> None:
    for number in range(start, stop):
        tenant = Tenant(slug=f"bulk{number:03d}", name=f"Bulk {number} LLP")
        db.session.add(tenant)
        db.session.flush()
        db.session.add_all(
            [
                ClientAccount(tenant_id=tenant.id, name=f"Account {number}"),
                Contact(tenant_id=tenant.id, email=f"c{number}@x.example", activated_at=utcnow()),
                Contact(tenant_id=tenant.id, email=f"d{number}@x.example"),
                Domain(tenant_id=tenant.id, host=f"portal.bulk{number}.example", status="verified"),
            ]
        )
    db.session.commit()


def test_list_shows_figures_and_searches_name_slug_and_host(console, tenant):
    add_tenants(1, 4)
    page = console.get("/operator/").get_data(as_text=True)
    assert "Acme Accounting" in page and "Bulk 2 LLP" in page
    assert "50%" in page  # one of two contacts activated
    assert "portal.bulk2.example" in page
    found = console.get("/operator/tenants/?q=bulk2").get_data(as_text=True)
    assert "Bulk 2 LLP" in found and "Bulk 3 LLP" not in found
    by_host = console.get("/operator/tenants/?q=portal.bulk3").get_data(as_text=True)
    assert "Bulk 3 LLP" in by_host and "Bulk 2 LLP" not in by_host
    assert "No tenant matches" in console.get("/operator/tenants/?q=zzz").get_data(as_text=True)
    assert "Impersonate" not in console.get(f"/operator/tenants/{tenant.id}").get_data(as_text=True)


def test_list_is_paginated_with_the_same_queries_at_10_and_100_tenants(console):
    counts = []
    for start, stop in ((0, 10), (10, 100)):
        add_tenants(start, stop)
        console.get("/operator/tenants/")
        with counting() as statements:
            response = console.get("/operator/tenants/")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
    page = console.get("/operator/tenants/?page=2").get_data(as_text=True)
    assert "Showing 26–50" in page


def test_suspend_with_reason_then_resume(console, tenant, portal):
    assert portal.get("/robots.txt").status_code == 200
    response = console.submit(f"/operator/tenants/{tenant.id}/suspend", {"reason": ""})
    assert response.status_code == 422
    response = console.submit(
        f"/operator/tenants/{tenant.id}/suspend", {"reason": "Unpaid since March"}
    )
    assert response.status_code == 302
    offline = portal.get("/")
    assert offline.status_code == 404
    assert "<html" in offline.get_data(as_text=True)  # an error page, not a 500
    detail = console.get(f"/operator/tenants/{tenant.id}").get_data(as_text=True)
    assert "Unpaid since March" in detail and "suspended" in detail
    db.session.expire_all()
    assert db.session.get(TenantLifecycle, tenant.id).suspension_reason == "Unpaid since March"
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.tenant_id == tenant.id, AuditEvent.event.like("tenant.%")
        )
    ).all()
    assert [(e.event, e.detail) for e in events] == [("tenant.suspended", "Unpaid since March")]

    response = console.submit(
        f"/operator/tenants/{tenant.id}", {}, action=f"/operator/tenants/{tenant.id}/resume"
    )
    assert response.status_code == 302
    assert portal.get("/robots.txt").status_code == 200
    db.session.expire_all()
    assert db.session.get(Tenant, tenant.id).status == "active"
    assert db.session.get(TenantLifecycle, tenant.id).suspension_reason == ""
