"""Settings › Webhooks: endpoints with the events they receive, their delivery log and a test
event."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from admin.access import permission_required
from portal.audit.service import Outcome, record
from portal.auth.roles import Permission
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate
from portal.webhooks import service
from portal.webhooks.models import WebhookEndpoint
from tenants.context import current_tenant

bp = Blueprint("admin_webhooks", __name__, url_prefix="/admin/settings/webhooks")


class EndpointForm(FlaskForm):
    url = StringField("Endpoint URL", validators=[InputRequired(), Length(max=500)])
    events = SelectMultipleField(
        "Events",
        choices=[SelectChoice(event, event) for event in service.EVENTS],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    active = BooleanField("Active", default=True)


class ConfirmForm(FlaskForm):
    pass


def _audit(event: str, endpoint: WebhookEndpoint | int) -> None:
    """After the commit: the audit row is written in a session of its own."""
    endpoint_id = endpoint if isinstance(endpoint, int) else endpoint.id
    record(
        f"webhook.{event}",
        tenant=current_tenant,
        principal_kind="staff",
        principal_id=current_user.id,
        outcome=Outcome.SUCCESS,
        detail=f"endpoint:{endpoint_id}",
    )


def _endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    return service.get_endpoint(current_tenant, endpoint_id) or abort(404)


@bp.route("/", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SETTINGS)
def index() -> ResponseReturnValue:
    form = EndpointForm()
    if form.validate_on_submit():
        try:
            endpoint = service.add_endpoint(
                current_tenant, form.url.data or "", list(form.events.data or [])
            )
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            _audit("created", endpoint)
            flash("Endpoint added. Copy its signing secret below.")
            return redirect(url_for("admin_webhooks.detail", endpoint_id=endpoint.id))
    page = paginate(service.endpoints_query(current_tenant), page_number(request.args))
    return render_template("admin/webhooks/index.html", form=form, page=page), form_status(form)


@bp.route("/<int:endpoint_id>", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SETTINGS)
def detail(endpoint_id: int) -> ResponseReturnValue:
    endpoint = _endpoint_or_404(endpoint_id)
    form = EndpointForm(obj=None)
    if not form.is_submitted():
        form.url.data = endpoint.url
        form.events.data = endpoint.event_list
        form.active.data = endpoint.active
    elif form.validate_on_submit():
        try:
            service.update_endpoint(
                endpoint,
                form.url.data or "",
                list(form.events.data or []),
                bool(form.active.data),
            )
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            _audit("updated", endpoint)
            flash("Endpoint saved.")
            return redirect(url_for("admin_webhooks.detail", endpoint_id=endpoint.id))
    page = paginate(
        service.deliveries_query(current_tenant, endpoint.id), page_number(request.args)
    )
    return render_template(
        "admin/webhooks/detail.html",
        form=form,
        endpoint=endpoint,
        page=page,
        test_form=ConfirmForm(),
    ), form_status(form)


@bp.post("/<int:endpoint_id>/test")
@permission_required(Permission.MANAGE_SETTINGS)
def send_test(endpoint_id: int) -> ResponseReturnValue:
    endpoint = _endpoint_or_404(endpoint_id)
    if ConfirmForm().validate_on_submit():
        service.send_test(current_tenant, endpoint)
        db.session.commit()
        flash("Test event sent; its delivery appears in the log below.")
    return redirect(url_for("admin_webhooks.detail", endpoint_id=endpoint.id))


@bp.route("/<int:endpoint_id>/delete", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SETTINGS)
def delete(endpoint_id: int) -> ResponseReturnValue:
    endpoint = _endpoint_or_404(endpoint_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        endpoint_id = endpoint.id
        service.delete_endpoint(current_tenant, endpoint)
        db.session.commit()
        _audit("deleted", endpoint_id)
        flash("Endpoint deleted.")
        return redirect(url_for("admin_webhooks.index"))
    return render_template("admin/webhooks/delete.html", form=form, endpoint=endpoint)
