"""The client's profile: name, phone and language, the sign-in email address, the password, and
the devices where they are signed in (each can be signed out)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from portal.auth.password_change import change_password_on_form
from portal.auth.passwords import MAX_LENGTH, RULES
from portal.auth.principals import sign_out, sign_out_everywhere
from portal.auth.sessions import devices, end_others, end_session, key_is_open
from portal.clients import languages
from portal.clients.models import Contact
from portal.clients.profile import (
    confirm_email_change,
    live_change,
    pending_change,
    request_email_change,
    update_details,
)
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.http import no_referrer
from portal.web.session import client_required
from tenants.context import current_tenant
from themes.loader import render_themed

bp = Blueprint("profile", __name__)


class DetailsForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    language = SelectField(_l("Language"), choices=[], validate_choice=False)


class EmailChangeForm(FlaskForm):
    email = EmailField(_l("New email address"), validators=[InputRequired(), Length(max=320)])
    password = PasswordField(
        _l("Your current password"), validators=[InputRequired(), Length(max=MAX_LENGTH)]
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[InputRequired(), Length(max=MAX_LENGTH)]
    )
    password = PasswordField(_l("New password"), validators=[InputRequired()])
    confirm = PasswordField(
        _l("Confirm new password"),
        validators=[
            InputRequired(),
            EqualTo("password", message=_l("The passwords do not match.")),
        ],
    )


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the email link's page posts it back."""


def _me() -> Contact:
    contact: Contact = current_user._get_current_object()
    return contact


def _details_form(contact: Contact) -> DetailsForm:
    form = DetailsForm(prefix="details", data={"name": contact.name, "phone": contact.phone})
    form.language.choices = [("", _("As my browser says"))] + [
        (code, languages.SUPPORTED[code]) for code in languages.offered(current_tenant)
    ]
    if not form.is_submitted():
        form.language.data = contact.language or ""
    return form


def _page(status: int = 200, **forms: Any) -> tuple[str, int]:
    contact = _me()
    context: dict[str, Any] = {
        "details": _details_form(contact),
        "email_form": EmailChangeForm(prefix="email", formdata=None),
        "password_form": PasswordChangeForm(prefix="password", formdata=None),
        "action_form": ConfirmForm(),
        **forms,
    }
    return render_themed(
        current_tenant.theme,
        "portal/profile/index.html",
        contact=contact,
        pending=pending_change(current_tenant.id, contact.id),
        # A staff member previewing as the client does not see where the client signs in.
        sessions=[]
        if g.get("preview")
        else devices(contact.holder, contact.session_nonce, contact.session_key),
        rules=RULES,
        **context,
    ), status


@bp.get("/profile")
@client_required
def index() -> ResponseReturnValue:
    return _page()


@bp.post("/profile")
@client_required
def save_details() -> ResponseReturnValue:
    contact = _me()
    form = _details_form(contact)
    if form.validate_on_submit():
        try:
            update_details(contact, form.name.data or "", form.phone.data or "")
            languages.set_language(contact, form.language.data or None, current_tenant)
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            flash(_("Your details are saved."))
            return redirect(url_for("profile.index"), 303)
    return _page(form_status(form), details=form)


@bp.post("/profile/email")
@client_required
def change_email() -> ResponseReturnValue:
    contact = _me()
    form = EmailChangeForm(prefix="email")
    if form.validate_on_submit():
        try:
            email = request_email_change(
                current_tenant, contact, form.email.data or "", form.password.data or ""
            )
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "We've sent a confirmation link to %(email)s. Your address changes when "
                    "you follow it (within 24 hours).",
                    email=email,
                )
            )
            return redirect(url_for("profile.index"), 303)
    return _page(form_status(form), email_form=form)


@bp.route("/profile/email/confirm/<token>", methods=["GET", "POST"])
@no_referrer
def confirm_email(token: str) -> ResponseReturnValue:
    """GET only shows a button (a mail scanner's visit changes nothing); POST confirms."""
    found = live_change(current_tenant.id, token)
    if found is None:
        return _link_invalid()
    change, contact = found
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            confirmed = confirm_email_change(current_tenant, change, contact)
        except UserError as error:
            db.session.rollback()
            return render_themed(
                current_tenant.theme,
                "portal/profile/confirm_email.html",
                form=form,
                new_email=change.new_email,
                problem=error.message,
            ), 409
        if not confirmed:
            db.session.rollback()
            return _link_invalid()
        db.session.commit()
        flash(_("Your email address is now %(email)s.", email=change.new_email))
        return redirect(url_for("home.index"), 303)
    return render_themed(
        current_tenant.theme,
        "portal/profile/confirm_email.html",
        form=form,
        new_email=change.new_email,
        problem=None,
    )


def _link_invalid() -> tuple[str, int]:
    return render_themed(current_tenant.theme, "portal/profile/link_invalid.html"), 404


@bp.post("/profile/password")
@client_required
def change_password_page() -> ResponseReturnValue:
    contact = _me()
    form = PasswordChangeForm(prefix="password")
    ended = change_password_on_form(
        contact, form, current_tenant, "password_changed", contact=contact
    )
    if ended is not None:
        if ended:
            flash(_("Your password has been changed. You were signed out on your other devices."))
        else:
            flash(_("Your password has been changed."))
        return redirect(url_for("profile.index"), 303)
    return _page(form_status(form), password_form=form)


@bp.post("/profile/sessions/<int:session_id>/sign-out")
@client_required
def end_one(session_id: int) -> Response:
    """Sign one device out (CSRF is checked for every POST); this device's own row signs
    this browser out."""
    contact = _me()
    if not end_session(contact.holder, session_id):
        abort(404)
    if not key_is_open(contact.session_key):
        sign_out(contact)
        db.session.commit()
        flash(_("You have signed out."))
        return redirect(url_for("access.sign_in"), 303)
    db.session.commit()
    flash(_("That device is signed out."))
    return redirect(url_for("profile.index"), 303)


@bp.post("/profile/sessions/sign-out-others")
@client_required
def end_all_others() -> Response:
    contact = _me()
    count = end_others(contact.holder, contact.session_key)
    db.session.commit()
    flash(_("You are signed out on every other device (%(count)d).", count=count))
    return redirect(url_for("profile.index"), 303)


@bp.post("/profile/sessions/sign-out-everywhere")
@client_required
def end_everywhere() -> Response:
    sign_out_everywhere(_me())
    db.session.commit()
    flash(_("You have signed out on every device."))
    return redirect(url_for("access.sign_in"), 303)
