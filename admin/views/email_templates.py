"""Settings › Email templates: the firm's wording of its client emails, with a live preview,
"Send me a test" and "Reset to default"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from admin.access import settings_permission_required
from portal.audit.service import Outcome, record
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.mail import templates
from portal.mail.compose import queue_email
from tenants.context import current_tenant

bp = Blueprint("admin_templates", __name__, url_prefix="/admin/email-templates")


class TemplateForm(FlaskForm):
    subject = StringField("Subject", validators=[Length(max=templates.SUBJECT_LENGTH)])
    body = TextAreaField("Text", validators=[Length(max=templates.BODY_LENGTH)])


class ActionForm(FlaskForm):
    """CSRF only: test and reset buttons."""


def _spec_or_404(key: str) -> templates.Spec:
    return templates.spec_for(key) or abort(404)


def _staff_label() -> str:
    return f"{current_user.display_name} (team)"


def _audit(event: str, key: str) -> None:
    record(
        event,
        tenant=current_tenant,
        principal_kind="staff",
        principal_id=current_user.id,
        outcome=Outcome.SUCCESS,
        detail=f"template {key}",
    )


@bp.get("/")
@settings_permission_required
def index() -> str:
    edited = templates.overrides(current_tenant)
    return render_template(
        "admin/email_templates/index.html", specs=templates.SPECS.values(), edited=edited
    )


def _preview(spec: templates.Spec, subject: str, body: str) -> templates.Rendered:
    values = dict(templates.SAMPLE, portal_name=current_tenant.portal_name or current_tenant.name)
    subject, body = templates.check(spec, subject, body)
    return templates.render(current_tenant, spec, subject, body, values)


@bp.route("/<key>", methods=["GET", "POST"])
@settings_permission_required
def edit(key: str) -> ResponseReturnValue:
    spec = _spec_or_404(key)
    row = templates.override_for(current_tenant, key)
    form = TemplateForm()
    if request.method == "GET":
        form.subject.data = row.subject if row else spec.subject
        form.body.data = row.body if row else spec.body
    preview = None
    if form.validate_on_submit():
        subject, body = form.subject.data or "", form.body.data or ""
        try:
            if request.form.get("action") == "preview":  # the button for browsers without JS
                preview = _preview(spec, subject, body)
            else:
                templates.save(current_tenant, spec, subject, body, current_user.id)
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="body")
        else:
            if preview is None:
                db.session.commit()
                _audit("email_template.saved", key)
                flash(f"{spec.label} email saved: the next one sent uses it.")
                return redirect(url_for("admin_templates.edit", key=key))
    if preview is None and not form.errors:
        try:
            preview = _preview(spec, form.subject.data or "", form.body.data or "")
        except UserError:
            preview = None
    page = render_template(
        "admin/email_templates/edit.html",
        spec=spec,
        form=form,
        action_form=ActionForm(),
        edited=row is not None,
        preview=preview,
    )
    return page, form_status(form)


@bp.post("/<key>/preview")
@settings_permission_required
def live_preview(key: str) -> ResponseReturnValue:
    """JSON for the editor's live preview: the email or the error to show."""
    spec = _spec_or_404(key)
    form = TemplateForm()
    if not form.validate_on_submit():
        return jsonify(error="The text is too long."), 422
    try:
        rendered = _preview(spec, form.subject.data or "", form.body.data or "")
    except UserError as exc:
        return jsonify(error=exc.message), 422
    return jsonify(subject=rendered.subject, html=rendered.html, text=rendered.text)


@bp.post("/<key>/test")
@settings_permission_required
def send_test(key: str) -> ResponseReturnValue:
    """Email the saved version (or the default) to the signed-in staff member, sample values."""
    spec = _spec_or_404(key)
    if not ActionForm().validate_on_submit():
        abort(400)
    row = templates.override_for(current_tenant, key)
    subject = row.subject if row else spec.subject
    body = row.body if row else spec.body
    rendered = _preview(spec, subject, body)
    queue_email(
        current_tenant,
        current_user.email,
        templates.TEST_KIND,
        prepared=rendered,
        label=spec.label,
    )
    db.session.commit()
    _audit("email_template.test_sent", key)
    flash(f"A test of the {spec.label} email is on its way to {current_user.email}.")
    return redirect(url_for("admin_templates.edit", key=key))


@bp.post("/<key>/reset")
@settings_permission_required
def reset(key: str) -> ResponseReturnValue:
    spec = _spec_or_404(key)
    if not ActionForm().validate_on_submit():
        abort(400)
    if request.form.get("confirm") != "1":
        flash("Tick the box to confirm: the reset deletes your wording.")
    elif templates.reset(current_tenant, spec):
        db.session.commit()
        _audit("email_template.reset", key)
        flash(f"{spec.label} email reset to the default wording.")
    else:
        flash(f"The {spec.label} email already uses the default wording.")
    return redirect(url_for("admin_templates.edit", key=key))
