"""Operator console, platform health: queues, failed jobs (retry/discard), worker heartbeats,
the outbox backlog, bounces, failing DNS checks and upload disk use. `/healthz` stays the
machine-readable summary."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField
from wtforms.validators import InputRequired, Length

from admin.access import operator_required
from portal.core.errors import UserError
from portal.operations.health import discard_job, platform_health, retry_job

bp = Blueprint("operator_health", __name__, url_prefix="/operator/health")


class JobForm(FlaskForm):
    """Retry or discard one failed job (its RQ id in a hidden field)."""

    job = HiddenField(validators=[InputRequired(), Length(max=100)])


@bp.get("/")
@operator_required
def index() -> str:
    return render_template("admin/operator/health.html", health=platform_health(), form=JobForm())


@bp.post("/retry")
@operator_required
def retry() -> Response:
    form = JobForm()
    if form.validate_on_submit():
        try:
            retry_job(form.job.data or "")
        except UserError as exc:
            flash(exc.message)
        else:
            flash("The job is back on its queue.")
    return redirect(url_for(".index"))


@bp.post("/discard")
@operator_required
def discard() -> Response:
    form = JobForm()
    if form.validate_on_submit():
        try:
            discard_job(form.job.data or "")
        except UserError as exc:
            flash(exc.message)
        else:
            flash("The failed job is discarded.")
    return redirect(url_for(".index"))
