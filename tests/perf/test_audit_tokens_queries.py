"""The audit log's event menu lists every event the firm's log holds without reading the whole
log, and the API token pages show 50 tokens a page with Next and Previous links.

(The audit log at 10 and 100 events is counted in tests/team/test_audit_log.py and the token
pages at 10 and 100 tokens in tests/perf/test_module_list_queries.py; here the count holds as
the number of distinct event names grows.)
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, insert, text

from portal.audit.log import event_names, event_names_query
from portal.audit.models import AuditEvent
from portal.audit.service import Outcome, record
from portal.auth.api_tokens import ApiToken
from portal.core.extensions import db
from tests.fixtures.queries import counting
from tests.fixtures.tenants import OPERATOR_PASSWORD, PLATFORM_DOMAIN

DAY = datetime(2026, 11, 2, 12, 0)


def add_events(tenant_id: int, names: list[str]) -> None:
    db.session.add_all(
        AuditEvent(
            tenant_id=tenant_id,
            at=DAY + timedelta(seconds=n),
            event=name,
            outcome="success",
            ip="192.0.2.1",
        )
        for n, name in enumerate(names)
    )
    db.session.commit()


def menu_of(page: str) -> list[str]:
    """The event names the filter menu offers, in order."""
    menu = page.split('<select id="event" name="event">', 1)[1].split("</select>", 1)[0]
    return [option.split('"', 1)[0] for option in menu.split('<option value="')[2:]]


def rows_of(page: str) -> str:
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_the_event_menu_offers_each_recorded_event_once_and_filters_by_it(
    app, firm, tenant, make_tenant
):
    other = make_tenant()
    add_events(tenant.id, ["team.invited", "signin", "clients.invite", "team.invited"])
    add_events(other.id, ["elsewhere.only"])
    with app.test_request_context():
        record("webhook.created", tenant=tenant.id, outcome=Outcome.SUCCESS, detail="hook:1")

    page = firm.get("/admin/audit/").get_data(as_text=True)
    assert menu_of(page) == ["clients.invite", "signin", "team.invited", "webhook.created"]

    filtered = firm.get("/admin/audit/?event=webhook.created").get_data(as_text=True)
    assert '<option value="webhook.created" selected>' in filtered
    assert rows_of(filtered).count("<tr>") == 1 and "hook:1" in rows_of(filtered)
    invited = firm.get("/admin/audit/?event=team.invited").get_data(as_text=True)
    assert rows_of(invited).count("<tr>") == 2 and "clients.invite</td>" not in invited


def test_an_empty_log_offers_no_event(firm):
    db.session.execute(delete(AuditEvent))  # the owner's sign-in
    db.session.commit()
    page = firm.get("/admin/audit/").get_data(as_text=True)
    assert menu_of(page) == []
    assert "No events match these filters." in page


def test_the_log_runs_the_same_queries_at_10_and_100_event_names(firm, tenant):
    counts = []
    for start, stop in ((0, 10), (10, 100)):
        add_events(tenant.id, [f"event.{n:03d}" for n in range(start, stop)])
        firm.get("/admin/audit/")  # warm caches
        with counting() as statements:
            page = firm.get("/admin/audit/").get_data(as_text=True)
        assert menu_of(page) == [f"event.{n:03d}" for n in range(stop)] + ["signin"]
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


@pytest.mark.slow  # 40,000 events inserted and analysed
def test_the_event_menu_reads_the_index_not_the_log(app, tenant, make_tenant, db_backend):
    if db_backend != "postgresql":
        pytest.skip("plans are PostgreSQL's")
    other = make_tenant()
    for owner in (tenant.id, other.id):
        db.session.execute(
            insert(AuditEvent),
            [
                {"tenant_id": owner, "at": DAY, "event": f"event.{n % 12}", "outcome": "success"}
                for n in range(20_000)
            ],
        )
    db.session.commit()
    db.session.execute(text("ANALYZE audit_events"))
    assert event_names(tenant.id) == sorted(f"event.{n}" for n in range(12))
    query = event_names_query(tenant.id).compile(
        dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}
    )
    explain = text(f"EXPLAIN (ANALYZE, COSTS OFF) {query}")
    plan = "\n".join(row[0] for row in db.session.execute(explain))
    assert "Seq Scan on audit_events" not in plan, plan
    assert "ix_audit_events_tenant_event_at" in plan, plan
    # A DISTINCT reads all 20,000 of the firm's rows; the hops read one row per name.
    read = [int(rows) * int(loops) for rows, loops in re.findall(r"rows=(\d+) loops=(\d+)", plan)]
    assert max(read) < 100, plan


def add_tokens(tenant_id: int | None, count: int) -> None:
    db.session.add_all(
        ApiToken(
            tenant_id=tenant_id,
            name=f"Token {n:04d}",
            token_hash=f"{tenant_id or 'ops'}-{n:058d}",
            hint=f"{n:04d}",
            scopes="read",
        )
        for n in range(count)
    )
    db.session.commit()


@pytest.fixture
def operator(make_operator, client_for):  # type: ignore[no-untyped-def]
    make_operator()
    browser = client_for(PLATFORM_DOMAIN)
    response = browser.submit(
        "/operator/sign-in", {"email": "ops@foyer.example", "password": OPERATOR_PASSWORD}
    )
    assert response.status_code == 302
    return browser


@pytest.mark.parametrize("who", ["firm", "operator"])
def test_sixty_tokens_show_fifty_then_the_rest(request, tenant, who):
    browser = request.getfixturevalue(who)
    path = "/admin/settings/api-tokens/" if who == "firm" else "/operator/api-tokens/"
    add_tokens(tenant.id if who == "firm" else None, 60)

    first = browser.get(path).get_data(as_text=True)
    assert [n for n in range(60) if f"Token {n:04d}" in first] == list(range(10, 60))
    assert f'rel="next" href="{path}?page=2"' in first and 'rel="prev"' not in first

    second = browser.get(f"{path}?page=2").get_data(as_text=True)
    assert [n for n in range(60) if f"Token {n:04d}" in second] == list(range(10))
    assert f'rel="prev" href="{path}?page=1"' in second and 'rel="next"' not in second
