"""Role permissions over every admin route: read from `app.url_map`, so a page added tomorrow
is swept the day it lands.

Each view's required permission is the attribute `permission_required` leaves on it; a view
with none is open to every signed-in staff member. Staff (stored role "member") must get 403
from every Admin- or Owner-only rule and never 403 from the others; Admin likewise for the
Owner-only rules; an owner is refused nowhere.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Rule

from admin.access import required_permission
from portal.audit.models import AuditEvent
from portal.auth.roles import ROLE_PERMISSIONS, Permission, StaffRole
from portal.core.extensions import db
from tests.fixtures.tenants import HostClient, csrf_from

# Pages that end the session, or are only for people who are not signed in.
SKIP = {"admin.static", "admin_firm.sign_out", "admin_profile.end_everywhere"}
# Where a rule lives decides the least it must require, whoever wrote it.
REQUIRED_UNDER = {
    "/admin/settings/": Permission.MANAGE_SETTINGS,
    "/admin/email-templates/": Permission.MANAGE_SETTINGS,
    "/admin/team/": Permission.MANAGE_TEAM,
    "/admin/audit/": Permission.VIEW_AUDIT_LOG,
}


def admin_rules(app: Flask) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin/") and rule.endpoint not in SKIP
    ]


def path_of(rule: Rule) -> str:
    """Every variable filled in: integers with an id nobody has, strings with garbage."""
    path = rule.rule
    for name, converter in rule._converters.items():
        value = "987654" if type(converter).__name__ == "IntegerConverter" else "garbage"
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
    return path


def sweep(app: Flask, browser: HostClient, role: StaffRole) -> tuple[int, list[str]]:
    allowed = ROLE_PERMISSIONS[role]
    csrf = csrf_from(browser.get("/admin/sign-in").get_data(as_text=True))
    problems, count = [], 0
    for rule in admin_rules(app):
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            needed = required_permission(app.view_functions[rule.endpoint], method)
            path = path_of(rule)
            if method == "POST":
                response = browser.post(path, data={"csrf_token": csrf})
            else:
                response = browser.open(path, method=method)
            count += 1
            where = f"{method} {path} ({rule.endpoint}, needs {needed}) -> {response.status_code}"
            if needed is not None and needed not in allowed and response.status_code != 403:
                problems.append(f"{where}: {role} was not refused")
            if (needed is None or needed in allowed) and response.status_code == 403:
                problems.append(f"{where}: {role} was refused")
            if response.status_code >= 500:
                problems.append(f"{where}: server error")
    return count, problems


def test_every_settings_team_and_audit_rule_requires_its_permission(app: Flask) -> None:
    missing = []
    for rule in admin_rules(app):
        view = app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            needed = required_permission(view, method)
            for prefix, permission in REQUIRED_UNDER.items():
                if rule.rule.startswith(prefix) and needed != permission:
                    missing.append(f"{method} {rule.rule} ({rule.endpoint}) requires {needed}")
    assert not missing, "\n".join(missing)


def test_the_sweep_covers_the_restricted_pages(app: Flask) -> None:
    endpoints = {r.endpoint for r in admin_rules(app)}
    for endpoint in ("admin_team.index", "admin_audit.index", "admin_branding.edit"):
        assert endpoint in endpoints


@pytest.mark.parametrize("role", list(StaffRole))
def test_each_role_is_refused_exactly_where_its_permissions_end(
    app: Flask, signed_in, staff, role: StaffRole
) -> None:
    browser = signed_in(f"sweep-{role}@acme.example", role.value)
    count, problems = sweep(app, browser, role)
    assert count > 20
    assert not problems, f"{len(problems)} of {count} requests:\n" + "\n".join(problems)
    assert browser.get("/admin/").status_code == 200, "the sweep ended the session"


def test_staff_see_no_settings_team_or_audit_links(signed_in, staff) -> None:
    page = signed_in("member@acme.example", "member").get("/admin/").get_data(as_text=True)
    assert "/admin/clients/" in page
    for path in ("/admin/settings/", "/admin/team/", "/admin/audit/"):
        assert path not in page


def test_an_owner_sees_team_and_audit_links(firm) -> None:
    page = firm.get("/admin/").get_data(as_text=True)
    assert "/admin/team/" in page and "/admin/audit/" in page


def test_a_refusal_is_recorded_in_the_audit_log(signed_in, staff) -> None:
    browser = signed_in("member@acme.example", "member")
    assert browser.get("/admin/audit/").status_code == 403
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.event == "access.refused"))
    assert event is not None and event.outcome == "refused"
    assert event.detail == "GET admin_audit.index needs audit"
