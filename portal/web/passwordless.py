"""Passwordless client sign-in, when the firm offers it: "Email me a sign-in code", then the code
or the email's link. Every address gets the same answer (the code is sent by a job); the link's
GET only shows a Sign in button, so a mail scanner opening it signs nobody in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import EmailField, StringField
from wtforms.validators import InputRequired, Length

from portal.audit.service import Outcome, record
from portal.auth.emailed_codes import CodeCheck
from portal.auth.passwordless import (
    CHECKS_PER_ADDRESS,
    PER_ADDRESS,
    PER_IP,
    check_code,
    code_for_link,
    offered,
    passwords_allowed,
    request_code,
    use_link,
)
from portal.auth.signin import complete_sign_in
from portal.clients.directory import find_contacts_by_email, has_login
from portal.clients.models import Contact
from portal.core.database import utcnow
from portal.core.emails import lookup_email
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.http import no_referrer
from portal.core.ratelimit import enforce
from portal.web.access import CHOICES_KEY
from tenants.context import current_tenant
from tenants.models import SignupMode
from themes.loader import render_themed

bp = Blueprint("passwordless", __name__)
EMAIL_KEY = "sign_in_code_email"


class CodeRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=320)])


class CodeForm(FlaskForm):
    code = StringField(_l("Sign-in code"), validators=[InputRequired(), Length(max=20)])


class LinkForm(FlaskForm):
    """Only the CSRF token: the button on the link's page."""


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_themed(current_tenant.theme, template, **context), status


@bp.before_request
def _only_when_offered() -> None:
    if not offered(current_tenant):
        abort(404)


def _identities(email: str) -> list[Contact]:
    """Who may sign in with this address (several only with duplicate contacts)."""
    return [
        contact
        for contact in find_contacts_by_email(current_tenant.id, email)
        if contact.can_sign_in and has_login(current_tenant.id, contact.id)
    ]


@bp.route("/sign-in/code", methods=["GET", "POST"])
def start() -> ResponseReturnValue:
    if current_user.is_authenticated and getattr(current_user, "kind", None) == "client":
        return redirect(url_for("home.index"))
    form = CodeRequestForm()
    if form.validate_on_submit():
        email = lookup_email(form.email.data)
        enforce(PER_IP, "sign-in-code-ip", current_tenant.id, request.remote_addr or "-")
        enforce(PER_ADDRESS, "sign-in-code-address", current_tenant.id, email)
        request_code(current_tenant, email)
        session[EMAIL_KEY] = email
        return redirect(url_for("passwordless.enter", next=request.args.get("next")), 303)
    return _render(
        "access/sign_in_code.html",
        form_status(form),
        form=form,
        passwords=passwords_allowed(current_tenant),
        signup_open=current_tenant.signup_mode == SignupMode.OPEN,
    )


@bp.route("/sign-in/code/enter", methods=["GET", "POST"])
def enter() -> ResponseReturnValue:
    email = session.get(EMAIL_KEY)
    if not isinstance(email, str) or not email:
        return redirect(url_for("passwordless.start", next=request.args.get("next")))
    form = CodeForm()
    if form.validate_on_submit():
        enforce(CHECKS_PER_ADDRESS, "sign-in-code-check", current_tenant.id, email)
        result = check_code(current_tenant.id, email, form.code.data or "")
        db.session.commit()  # a wrong entry counts even though nobody signs in
        identities = _identities(email) if result is CodeCheck.OK else []
        if identities:
            session.pop(EMAIL_KEY, None)
            return _signed_in(identities)
        _refused(result)
        show_on_form(
            form,
            UserError(
                _(
                    "That code is not right, or it has expired. Check the latest email, or "
                    "ask for a new code."
                ),
                field="code",
            ),
        )
    return _render(
        "access/sign_in_code_enter.html",
        form_status(form),
        form=form,
        email=email,
    )


@bp.route("/sign-in/link/<token>", methods=["GET", "POST"])
@no_referrer
def link(token: str) -> ResponseReturnValue:
    row = code_for_link(current_tenant.id, token)
    if row is None:
        _refused(CodeCheck.NO_LIVE_CODE)
        return _render("access/sign_in_code_invalid.html", 404)
    form = LinkForm()
    if form.validate_on_submit():
        identities = _identities(row.email)
        if identities and use_link(row):
            db.session.commit()
            return _signed_in(identities)
        db.session.rollback()
        _refused(CodeCheck.NO_LIVE_CODE)
        return _render("access/sign_in_code_invalid.html", 404)
    return _render("access/sign_in_code_link.html", form=form)


def _signed_in(identities: list[Contact]) -> Response:
    """One identity signs in (a second factor first, if set up); several are offered."""
    if len(identities) == 1:
        return complete_sign_in(identities[0], url_for("home.index"))
    session.clear()
    session[CHOICES_KEY] = {"ids": [c.id for c in identities], "at": utcnow().timestamp()}
    return redirect(url_for("access.choose_identity"))


def _refused(result: CodeCheck) -> None:
    """A wrong code or a dead link: audited without the code or token."""
    record(
        "signin.code",
        tenant=current_tenant,
        principal_kind="client",
        outcome=Outcome.FAILURE,
        detail=result.value,
    )
