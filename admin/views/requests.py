"""Staff side of client requests: the list with filters and counts, one request with its
conversation, status and assignment; and the settings for request types and services."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from admin.access import settings_permission_required, staff_required
from admin.views.inbox import StaffReplyForm, me, reply, thread_page
from portal.audit.service import Outcome, record
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate
from portal.files.uploads import large_body
from portal.messaging import requests as service
from portal.messaging import threads
from portal.messaging.models import ClientRequest, RequestStatus, RequestType, Service
from tenants.context import current_tenant

bp = Blueprint("admin_requests", __name__, url_prefix="/admin/requests")


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


def _request_or_404(request_id: int) -> ClientRequest:
    return service.get_request(current_tenant, request_id) or abort(404)


@bp.get("/")
@staff_required
def index() -> str:
    status = request.args.get("status", "")
    assigned = request.args.get("assigned", "")
    type_id = _int(request.args.get("type"))
    types = service.request_types(current_tenant)
    query = service.request_rows_query(
        current_tenant,
        status=status,
        type_id=type_id,
        assigned_to=current_user.id if assigned == "me" else _int(assigned),
        unassigned=assigned == "none",
    )
    page = paginate(query, page_number(request.args))
    html = render_template(
        "admin/requests/index.html",
        page=page,
        rows=service.to_rows(page.items),
        counts=service.status_counts(current_tenant),
        statuses=list(RequestStatus),
        types=types,
        staff=threads.active_staff(current_tenant),
        args=request.args,
    )
    db.session.commit()  # default types made on first use; after rendering: it expires the rows
    return html


@bp.route("/<int:request_id>", methods=["GET", "POST"])
@staff_required
@large_body
def show(request_id: int) -> ResponseReturnValue:
    row = _request_or_404(request_id)
    thread = threads.get_thread(current_tenant, row.thread_id) or abort(404)
    form = StaffReplyForm()
    if reply(thread, form):
        return redirect(url_for("admin_requests.show", request_id=row.id, _anchor="latest"), 303)
    page = thread_page(
        thread,
        form,
        template="admin/requests/show.html",
        item=row,
        kind=db.session.get(RequestType, row.type_id),
        service=db.session.get(Service, row.service_id) if row.service_id else None,
        statuses=list(RequestStatus),
    )
    return page, 422 if form.errors else 200


@bp.post("/<int:request_id>/status")
@staff_required
def status(request_id: int) -> Response:
    row = _request_or_404(request_id)
    try:
        changed = service.set_status(current_tenant, row, request.form.get("status", ""), me())
    except UserError as exc:
        flash(exc.message)
    else:
        db.session.commit()
        if changed:
            flash(f"Status changed to {service.status_label(row.status)}; the client was told.")
            record(
                "request.status",
                tenant=current_tenant,
                principal_kind="staff",
                principal_id=current_user.id,
                outcome=Outcome.SUCCESS,
                detail=f"request:{row.id} status:{row.status}",
            )
    return redirect(url_for("admin_requests.show", request_id=row.id), 303)


# --- settings: request types and services ------------------------------------------------------


@bp.get("/settings")
@staff_required
def settings() -> str:
    html = render_template(
        "admin/requests/settings.html",
        types=service.request_types(current_tenant),
        services=service.services(current_tenant),
        can_edit=current_user.can_manage_settings,
    )
    # After rendering: the commit keeps the default types made on first use, and expires every
    # loaded row (read again, one query per type, if the template came after it).
    db.session.commit()
    return html


@bp.post("/settings/types")
@settings_permission_required
def add_type() -> Response:
    try:
        added = service.add_type(current_tenant, request.form.get("name", ""))
    except UserError as exc:
        db.session.rollback()
        flash(exc.message)
    else:
        db.session.commit()
        flash(f"Request type {added.name} added.")
    return redirect(url_for("admin_requests.settings"), 303)


@bp.post("/settings/types/<int:type_id>/archive")
@settings_permission_required
def archive_type(type_id: int) -> Response:
    try:
        row = service.archive_type(current_tenant, type_id) or abort(404)
    except UserError as exc:
        flash(exc.message)
    else:
        db.session.commit()
        flash(f"Request type {row.name} removed from the list; its requests keep it.")
    return redirect(url_for("admin_requests.settings"), 303)


@bp.post("/settings/services")
@settings_permission_required
def add_service() -> Response:
    try:
        added = service.add_service(
            current_tenant, request.form.get("name", ""), request.form.get("description", "")
        )
    except UserError as exc:
        db.session.rollback()
        flash(exc.message)
    else:
        db.session.commit()
        flash(f"Service {added.name} added; clients see it under Requests › Our services.")
    return redirect(url_for("admin_requests.settings"), 303)


@bp.post("/settings/services/<int:service_id>/archive")
@settings_permission_required
def archive_service(service_id: int) -> Response:
    row = service.archive_service(current_tenant, service_id) or abort(404)
    db.session.commit()
    flash(f"Service {row.name} removed from the list.")
    return redirect(url_for("admin_requests.settings"), 303)
