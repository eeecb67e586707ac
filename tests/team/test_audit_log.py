"""The owner's audit log: filters kept in the URL, constant queries per page, the CSV export of
the filtered events, staff actions recorded, and the retention purge."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from jobs.tasks import RECURRING
from jobs.team import purge_audit_events
from portal.audit.models import AuditEvent
from portal.core.database import utcnow
from portal.core.extensions import db
from tests.fixtures.queries import counting

DAY = datetime(2026, 11, 2, 12, 0)


def add_events(
    tenant_id: int,
    count: int,
    *,
    event: str = "signin",
    staff_id: int | None = None,
    at: datetime = DAY,
    detail: str = "",
) -> None:
    db.session.add_all(
        AuditEvent(
            tenant_id=tenant_id,
            at=at + timedelta(seconds=n),
            event=event,
            outcome="success",
            principal_kind="staff" if staff_id else "",
            principal_id=staff_id,
            ip="192.0.2.1",
            detail=detail,
        )
        for n in range(count)
    )
    db.session.commit()


def rows_of(page: str) -> str:
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_filters_by_event_person_and_dates_and_keep_them_in_the_url(
    firm, tenant, staff, make_staff
):
    other = make_staff(tenant, "other@acme.example", role="member")
    add_events(tenant.id, 3, event="team.invited", staff_id=staff.id, at=DAY)
    add_events(tenant.id, 2, event="clients.invite", staff_id=other.id, at=DAY + timedelta(days=3))
    add_events(tenant.id, 60, event="clients.invite", staff_id=other.id, at=DAY + timedelta(days=5))

    page = firm.get("/admin/audit/?event=team.invited").get_data(as_text=True)
    assert rows_of(page).count("<tr>") == 3 and "clients.invite</td>" not in rows_of(page)
    assert '<option value="team.invited" selected>' in page

    page = firm.get(f"/admin/audit/?person=staff:{other.id}&until=2026-11-05").get_data(
        as_text=True
    )
    assert rows_of(page).count("<tr>") == 2
    assert "other@acme.example" in rows_of(page)

    page = firm.get("/admin/audit/?since=2026-11-04&until=2026-11-06").get_data(as_text=True)
    assert rows_of(page).count("<tr>") == 2

    page = firm.get(f"/admin/audit/?person=staff:{other.id}").get_data(as_text=True)
    assert rows_of(page).count("<tr>") == 50  # one page
    assert f'href="/admin/audit/?person=staff:{other.id}&amp;page=2"' in page.replace("%3A", ":")
    second = firm.get(f"/admin/audit/?person=staff:{other.id}&page=2").get_data(as_text=True)
    assert rows_of(second).count("<tr>") == 12

    odd = firm.get("/admin/audit/?since=yesterday&person=nobody")
    assert odd.status_code == 200
    assert "From date not understood" in odd.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/admin/audit/", "/admin/audit/export.csv"])
def test_the_log_runs_the_same_queries_at_10_and_100_events(firm, tenant, staff, make_staff, path):
    counts = []
    for start, stop in ((0, 10), (10, 100)):
        for number in range(start, stop):
            add_events(
                tenant.id, 1, event=f"event.{number % 7}", staff_id=staff.id if number % 2 else None
            )
        firm.get(path)  # warm caches
        with counting() as statements:
            assert firm.get(path).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_csv_export_has_the_filtered_events_and_no_formulas(firm, tenant, staff):
    add_events(
        tenant.id, 2, event="team.invited", staff_id=staff.id, detail=f"staff:{staff.id} as Admin"
    )
    add_events(tenant.id, 1, event="signin", detail='=HYPERLINK("http://evil")')
    response = firm.get("/admin/audit/export.csv?event=team.invited")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == [
        "time_utc",
        "event",
        "outcome",
        "person",
        "person_kind",
        "person_id",
        "ip",
        "detail",
    ]
    assert [row[1] for row in rows[1:]] == ["team.invited", "team.invited"]
    assert rows[1][3] == staff.email and rows[1][7] == f"{staff.email} as Admin"
    assert rows[1][0] == "2026-11-02T12:00:01"  # newest first

    everything = list(
        csv.reader(io.StringIO(firm.get("/admin/audit/export.csv").get_data(as_text=True)))
    )
    injected = [row for row in everything if row[1] == "signin" and "HYPERLINK" in row[7]]
    assert injected and injected[0][7].startswith("'=")
    assert db.session.scalar(select(func.count()).where(AuditEvent.event == "audit.exported")) == 2


def test_staff_actions_anywhere_in_the_dashboard_are_recorded(firm, staff):
    response = firm.submit(
        "/admin/clients/new",
        {
            "account_name": "Audit Household",
            "kind": "household",
            "email": "a@clients.example",
            "login": "y",
        },
    )
    assert response.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.event == "clients.new"))
    assert event is not None and event.principal_kind == "staff" and event.principal_id == staff.id
    page = firm.get("/admin/audit/").get_data(as_text=True)
    assert "clients.new" in page and staff.email in rows_of(page)


def test_events_older_than_the_retention_period_are_purged(app, tenant, make_tenant):
    other = make_tenant()
    now = utcnow()
    add_events(tenant.id, 3, event="old", at=now - timedelta(days=400))
    add_events(other.id, 2, event="old", at=now - timedelta(days=366))
    add_events(tenant.id, 2, event="recent", at=now - timedelta(days=300))
    assert purge_audit_events() == 5
    left = db.session.scalars(select(AuditEvent.event)).all()
    assert sorted(left) == ["recent", "recent"]
    assert app.config["AUDIT_RETENTION_DAYS"] == 365
    assert "purge-audit-events" in {entry.name for entry in RECURRING}
