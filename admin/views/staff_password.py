"""Staff "forgot password" on a firm's hosts: request a link from the sign-in page, set a new
password with it. The request page answers the same for every address (the lookup runs in a
job); the link works once, for one hour, and ends every other session of that person."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from portal.audit.service import Outcome, record
from portal.auth.forms import EmailForm, SetPasswordForm
from portal.auth.passwords import RULES, hash_password, password_problem
from portal.auth.principals import sign_in
from portal.auth.staff_resets import live_reset, request_reset, use_reset
from portal.core.database import utcnow
from portal.core.emails import lookup_email
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.http import no_referrer
from portal.core.ratelimit import enforce
from portal.mail.compose import queue_email
from tenants.context import current_tenant

bp = Blueprint("admin_staff_password", __name__, url_prefix="/admin")
PER_IP = "10/hour"
PER_ADDRESS = "5/hour"


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password() -> ResponseReturnValue:
    form = EmailForm()
    if form.validate_on_submit():
        email = lookup_email(form.email.data)
        enforce(PER_IP, "staff-reset-ip", current_tenant.id, request.remote_addr or "-")
        enforce(PER_ADDRESS, "staff-reset-account", current_tenant.id, email)
        request_reset(current_tenant, email)
        return render_template("admin/team/reset_requested.html")
    return render_template("admin/team/forgot_password.html", form=form), form_status(form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@no_referrer
def reset_password(token: str) -> ResponseReturnValue:
    """GET only shows the form (mail scanners must not use the link up); POST redeems."""
    found = live_reset(current_tenant.id, token)
    if found is None:
        _refused("staff_reset.invalid", "unknown, used or expired")
        return render_template("admin/team/reset_invalid.html"), 404
    reset, staff = found
    form = SetPasswordForm()
    if form.validate_on_submit():
        password = form.password.data or ""  # InputRequired: never empty here
        problem = password_problem(password, email=staff.email, firm_name=current_tenant.name)
        if problem:
            show_on_form(form, UserError(problem, field="password"))
        elif use_reset(reset, staff, hash_password(password)):
            queue_email(current_tenant, staff.email, "staff_password_changed", staff=staff)
            staff.last_login_at = utcnow()
            sign_in(staff)
            db.session.commit()
            record(
                "staff_reset.completed",
                tenant=current_tenant,
                principal_kind="staff",
                principal_id=staff.id,
                outcome=Outcome.SUCCESS,
            )
            flash("Your password has been changed. Every other session has been signed out.")
            return redirect(url_for("admin_firm.dashboard"))
        else:
            db.session.rollback()  # nothing to keep; frees SQLite for the audit row
            _refused("staff_reset.used", "used or expired while the form was open", staff.id)
            return render_template("admin/team/reset_invalid.html"), 404
    page = render_template("admin/team/reset_password.html", form=form, staff=staff, rules=RULES)
    return page, form_status(form)


def _refused(event: str, detail: str, staff_id: int | None = None) -> None:
    """A reset link that cannot be used: recorded, never with its token."""
    record(
        event,
        tenant=current_tenant,
        principal_kind="staff" if staff_id is not None else "",
        principal_id=staff_id,
        outcome=Outcome.REFUSED,
        detail=detail,
    )
