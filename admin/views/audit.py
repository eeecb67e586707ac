"""The firm's audit log (owners only): filter by event, person and dates (kept in the URL), one
page at a time, and a CSV export of the filtered events streamed row by row."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    stream_with_context,
)
from flask_login import current_user

from admin.access import permission_required
from portal.audit.log import AuditFilters, event_names, events_page, filtered_events
from portal.audit.models import AuditEvent
from portal.audit.service import Outcome, record
from portal.auth.models import StaffMember
from portal.auth.roles import Permission
from portal.clients.models import Contact
from portal.core.extensions import db
from portal.core.pagination import page_number
from tenants.context import current_tenant
from tenants.scoping import owned

bp = Blueprint("admin_audit", __name__, url_prefix="/admin/audit")
view_audit_log = permission_required(Permission.VIEW_AUDIT_LOG)
PERSON = re.compile(r"(staff|client|operator)(?::(\d{1,12}))?")
MENTION = re.compile(r"\bstaff:(\d{1,12})\b")
EXPORT_CHUNK = 500
CSV_COLUMNS = ("time_utc", "event", "outcome", "person", "person_kind", "person_id", "ip", "detail")


def _filters() -> tuple[AuditFilters, list[str]]:
    """The filters from the URL; anything unreadable is ignored and reported, never an error."""
    args = request.args
    notes = []
    kind, person_id = "", None
    match = PERSON.fullmatch(args.get("person", ""))
    if match:
        kind, person_id = match.group(1), int(match.group(2)) if match.group(2) else None
    dates: list[date | None] = []
    for name, label in (("since", "From"), ("until", "To")):
        raw = args.get(name, "").strip()
        try:
            dates.append(date.fromisoformat(raw) if raw else None)
        except ValueError:
            notes.append(f"{label} date not understood ({raw[:20]}): ignored.")
            dates.append(None)
    event = args.get("event", "").strip()[:40]
    return AuditFilters(event, kind, person_id, dates[0], dates[1]), notes


class Names:
    """Display names of the people the events mention, looked up in one query per kind."""

    def __init__(self, staff: dict[int, StaffMember]) -> None:
        self.staff = staff
        self.clients: dict[int, str] = {}

    def load_clients(self, events: Iterable[AuditEvent]) -> None:
        ids = {e.principal_id for e in events if e.principal_kind == "client" and e.principal_id}
        if ids:
            rows = db.session.execute(
                owned(Contact, current_tenant.id, Contact.id.in_(ids)).with_only_columns(
                    Contact.id, Contact.name, Contact.email
                )
            )
            self.clients = {row.id: row.name or row.email for row in rows}

    def person(self, event: AuditEvent) -> str:
        if event.principal_id is None:
            return event.principal_kind or ""
        if event.principal_kind == "staff":
            staff = self.staff.get(event.principal_id)
            return staff.display_name if staff else f"staff #{event.principal_id}"
        if event.principal_kind == "client":
            return self.clients.get(event.principal_id, f"client #{event.principal_id}")
        return f"{event.principal_kind} #{event.principal_id}"

    def detail(self, event: AuditEvent) -> str:
        """The stored detail names staff by id ("staff:12"); show their names instead."""

        def name(match: re.Match[str]) -> str:
            staff = self.staff.get(int(match.group(1)))
            return staff.display_name if staff else match.group(0)

        return MENTION.sub(name, event.detail)


def _team() -> dict[int, StaffMember]:
    """Everyone who ever was on the team (removed people too): a firm's team is small."""
    return {s.id: s for s in db.session.scalars(owned(StaffMember, current_tenant.id))}


@bp.get("/")
@view_audit_log
def index() -> str:
    filters, notes = _filters()
    page = events_page(current_tenant, filters, page_number(request.args))
    team = _team()
    names = Names(team)
    names.load_clients(page.items)
    return render_template(
        "admin/audit/index.html",
        page=page,
        names=names,
        notes=notes,
        events=event_names(current_tenant),
        people=sorted(team.values(), key=lambda s: s.display_name.lower()),
        args=request.args,
        retention_days=_retention_days(),
    )


@bp.get("/export.csv")
@view_audit_log
def export() -> Response:
    filters, _ = _filters()
    query = filtered_events(current_tenant, filters)
    names = Names(_team())
    record(
        "audit.exported",
        tenant=current_tenant,
        principal_kind="staff",
        principal_id=current_user.id,
        outcome=Outcome.SUCCESS,
        detail=request.query_string.decode("utf-8", "replace"),
    )

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        result = db.session.execute(query.execution_options(yield_per=EXPORT_CHUNK))
        for chunk in result.scalars().partitions():
            names.load_clients(chunk)
            for event in chunk:
                writer.writerow(
                    [
                        event.at.isoformat(timespec="seconds"),
                        event.event,
                        event.outcome,
                        _cell(names.person(event)),
                        event.principal_kind,
                        event.principal_id if event.principal_id is not None else "",
                        event.ip,
                        _cell(names.detail(event)),
                    ]
                )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    response = Response(stream_with_context(rows()), mimetype="text/csv")
    stamp = date.today().isoformat()
    response.headers["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response


def _cell(value: str) -> str:
    """No spreadsheet formulas from names or details (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _retention_days() -> int:
    return int(current_app.config["AUDIT_RETENTION_DAYS"])
