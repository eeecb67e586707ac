"""Operator console, tenants: the searchable list, a detail page, suspend/resume with a reason,
deletion with confirmation and a 30-day grace period, restore, and the export download.

No impersonation: an operator never signs in as a firm's staff or clients."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from admin.access import operator_required
from jobs.queue import enqueue
from portal.audit.service import Outcome, record
from portal.core.database import after_commit
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number
from portal.core.storage import storage
from portal.operations import deletion, suspension
from portal.operations.models import TenantLifecycle
from portal.operations.tenants import tenant_page, tenant_rows
from tenants.models import Tenant, TenantStatus

bp = Blueprint("operator_tenants", __name__, url_prefix="/operator/tenants")
STATUSES = (TenantStatus.ACTIVE.value, TenantStatus.SUSPENDED.value, deletion.DELETING)


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[InputRequired(), Length(max=500)])


class DeleteTenantForm(FlaskForm):
    confirm = StringField("Type the tenant's slug to confirm", validators=[InputRequired()])
    reason = TextAreaField("Reason", validators=[Length(max=500)])


class ConfirmForm(FlaskForm):
    """A bare POST with CSRF (restore)."""


def _queue_exports(*tenant_ids: int) -> None:
    for tenant_id in tenant_ids:
        enqueue("build_tenant_export", tenant_id)


def tenant_list() -> str:
    search = (request.args.get("q") or "").strip()[:100]
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    page = tenant_page(search, status, page_number(request.args))
    return render_template(
        "admin/operator/tenant_list.html", page=page, q=search, status=status, statuses=STATUSES
    )


@bp.get("/")
@operator_required
def index() -> str:
    return tenant_list()


def _tenant(tenant_id: int) -> Tenant:
    return db.session.get(Tenant, tenant_id) or abort(404)


@bp.get("/<int:tenant_id>")
@operator_required
def detail(tenant_id: int) -> str:
    tenant = _tenant(tenant_id)
    row = tenant_rows([tenant])[0]
    return render_template(
        "admin/operator/tenant_detail.html",
        row=row,
        tenant=tenant,
        purge_after=deletion.purge_after(row.lifecycle) if row.lifecycle else None,
        reason_form=ReasonForm(),
        delete_form=DeleteTenantForm(),
        confirm_form=ConfirmForm(),
    )


def _audit(event: str, tenant: Tenant, detail: str) -> None:
    record(
        event,
        tenant=tenant.id,
        principal_kind="operator",
        principal_id=current_user.id,
        ip=request.remote_addr,
        outcome=Outcome.SUCCESS,
        detail=detail[:200],
    )


@bp.route("/<int:tenant_id>/suspend", methods=["GET", "POST"])
@operator_required
def suspend(tenant_id: int) -> ResponseReturnValue:
    """Take the tenant offline with the reason kept (column and audit log)."""
    tenant = _tenant(tenant_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            reason = suspension.suspend(tenant, form.reason.data or "")
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="reason")
        else:
            db.session.commit()
            _audit("tenant.suspended", tenant, reason)  # own connection: after
            flash(f"{tenant.name} is suspended.")
            return redirect(url_for(".detail", tenant_id=tenant.id))
    return render_template(
        "admin/operator/tenant_suspend.html", tenant=tenant, form=form
    ), form_status(form)


@bp.post("/<int:tenant_id>/resume")
@operator_required
def resume(tenant_id: int) -> Response:
    tenant = _tenant(tenant_id)
    form = ConfirmForm()
    if form.validate_on_submit() and tenant.status == TenantStatus.SUSPENDED:
        reason = suspension.resume(tenant)
        db.session.commit()
        _audit("tenant.resumed", tenant, f"was suspended: {reason}")
        flash(f"{tenant.name} is active again.")
    return redirect(url_for(".detail", tenant_id=tenant.id))


@bp.route("/<int:tenant_id>/delete", methods=["GET", "POST"])
@operator_required
def delete(tenant_id: int) -> ResponseReturnValue:
    """Confirm by typing the slug; the export archive is built right after the commit."""
    tenant = _tenant(tenant_id)
    form = DeleteTenantForm()
    if form.validate_on_submit():
        try:
            life = deletion.request_deletion(
                tenant, form.confirm.data or "", form.reason.data or ""
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="confirm")
        else:
            after_commit(_queue_exports, tenant.id)
            db.session.commit()
            _audit("tenant.deletion_requested", tenant, life.deletion_reason)
            flash(
                f"{tenant.name} is offline and will be deleted in {deletion.GRACE_DAYS} days; "
                "its export archive is being built."
            )
            return redirect(url_for(".detail", tenant_id=tenant.id))
    return render_template(
        "admin/operator/tenant_delete.html",
        tenant=tenant,
        form=form,
        grace_days=deletion.GRACE_DAYS,
    ), form_status(form)


@bp.post("/<int:tenant_id>/restore")
@operator_required
def restore(tenant_id: int) -> Response:
    tenant = _tenant(tenant_id)
    if ConfirmForm().validate_on_submit():
        try:
            deletion.restore(tenant)
        except UserError as exc:
            flash(exc.message)
        else:
            db.session.commit()
            _audit("tenant.restored", tenant, "")
            flash(f"{tenant.name} is restored.")
    return redirect(url_for(".detail", tenant_id=tenant.id))


@bp.post("/<int:tenant_id>/export")
@operator_required
def export(tenant_id: int) -> Response:
    """Build (or rebuild) the archive now, in the background."""
    tenant = _tenant(tenant_id)
    if ConfirmForm().validate_on_submit():
        after_commit(_queue_exports, tenant.id)
        db.session.commit()
        _audit("tenant.export_requested", tenant, "")
        flash("The export archive is being built; reload this page in a moment.")
    return redirect(url_for(".detail", tenant_id=tenant.id))


@bp.get("/<int:tenant_id>/export.zip")
@operator_required
def download_export(tenant_id: int) -> Response:
    tenant = _tenant(tenant_id)
    key = db.session.scalar(
        select(TenantLifecycle.export_key).where(TenantLifecycle.tenant_id == tenant.id)
    )
    data = storage().get(key) if key else None
    if data is None:
        abort(404)
    return Response(
        data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{tenant.slug}-export.zip"',
            "Cache-Control": "no-store",
        },
    )
