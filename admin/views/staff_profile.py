"""A staff member's own profile on the firm's hosts: change the password (the other sessions
end) and the devices where they are signed in, each of which can be signed out."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from admin.access import staff_required
from portal.auth.models import StaffMember
from portal.auth.password_change import change_password_on_form
from portal.auth.passwords import MAX_LENGTH, RULES
from portal.auth.principals import sign_out, sign_out_everywhere
from portal.auth.sessions import devices, end_others, end_session, key_is_open
from portal.core.errors import form_status
from portal.core.extensions import db
from tenants.context import current_tenant

bp = Blueprint("admin_profile", __name__, url_prefix="/admin")


class StaffPasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[InputRequired(), Length(max=MAX_LENGTH)]
    )
    password = PasswordField("New password", validators=[InputRequired()])
    confirm = PasswordField(
        "Confirm new password",
        validators=[InputRequired(), EqualTo("password", message="The passwords do not match.")],
    )


class ActionForm(FlaskForm):
    """Only the CSRF token, for the sign-out buttons."""


def _me() -> StaffMember:
    staff: StaffMember = current_user._get_current_object()
    return staff


def _page(form: StaffPasswordForm | None = None) -> tuple[str, int]:
    staff = _me()
    form = form or StaffPasswordForm(formdata=None)
    page = render_template(
        "admin/profile/index.html",
        staff=staff,
        form=form,
        action_form=ActionForm(),
        sessions=devices(staff.holder, staff.session_nonce, staff.session_key),
        rules=RULES,
    )
    return page, form_status(form)


@bp.get("/profile")
@staff_required
def index() -> ResponseReturnValue:
    return _page()


@bp.post("/profile/password")
@staff_required
def change_password_page() -> ResponseReturnValue:
    staff = _me()
    form = StaffPasswordForm()
    ended = change_password_on_form(
        staff, form, current_tenant, "staff_password_changed", staff=staff
    )
    if ended is not None:
        flash(f"Your password has been changed. {ended} other session(s) signed out.")
        return redirect(url_for("admin_profile.index"), 303)
    return _page(form)


@bp.post("/profile/sessions/<int:session_id>/sign-out")
@staff_required
def end_one(session_id: int) -> Response:
    staff = _me()
    if not end_session(staff.holder, session_id):
        abort(404)
    if not key_is_open(staff.session_key):
        sign_out(staff)
        db.session.commit()
        return redirect(url_for("admin_firm.sign_in"), 303)
    db.session.commit()
    flash("That device is signed out.")
    return redirect(url_for("admin_profile.index"), 303)


@bp.post("/profile/sessions/sign-out-others")
@staff_required
def end_all_others() -> Response:
    staff = _me()
    count = end_others(staff.holder, staff.session_key)
    db.session.commit()
    flash(f"Signed out on every other device ({count}).")
    return redirect(url_for("admin_profile.index"), 303)


@bp.post("/profile/sessions/sign-out-everywhere")
@staff_required
def end_everywhere() -> Response:
    sign_out_everywhere(_me())
    db.session.commit()
    return redirect(url_for("admin_firm.sign_in"), 303)
