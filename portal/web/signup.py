"""Direct sign-up on a tenant's portal: register, confirm the emailed code, then sign in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from portal.auth.emailed_codes import CodeCheck
from portal.auth.passwords import RULES, password_problem
from portal.clients.directory import get_contact
from portal.core.database import utcnow
from portal.core.emails import normalize_email
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.http import no_referrer
from portal.core.ratelimit import enforce
from portal.referrals.links import COOKIE as REFERRAL_COOKIE
from portal.signup.codes import check_code, code_for_link, issue_code, use_link
from portal.signup.forms import CodeForm, SignupForm
from portal.signup.service import mark_verified, register
from tenants.context import current_tenant
from tenants.models import SignupMode
from themes.loader import render_themed

bp = Blueprint("signup", __name__, url_prefix="/sign-up")
PENDING_KEY = "signup_pending"
PENDING_SECONDS = 3600
WRONG_CODE = _l(
    "That code is not correct or has expired. Check the latest email, or send a new code."
)


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_themed(current_tenant.theme, template, **context), status


def _ip() -> str:
    return request.remote_addr or "-"


def _pending() -> dict | None:
    pending = session.get(PENDING_KEY)
    if not pending or utcnow().timestamp() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return pending


@bp.route("", methods=["GET", "POST"])
def start() -> ResponseReturnValue:
    tenant = current_tenant
    if tenant.signup_mode != SignupMode.OPEN:
        return _render("signup/closed.html")
    form = SignupForm()
    if not tenant.signup_ask_company:
        del form.company
    if form.validate_on_submit():
        enforce("10/hour", "signup-ip", tenant.id, _ip())
        try:
            email = normalize_email(form.email.data or "")
        except UserError as exc:
            show_on_form(form, exc, default_field="email")
            return _render("signup/start.html", form_status(form), form=form, rules=RULES)
        enforce("5/hour", "signup-email", tenant.id, email)
        password = form.password.data or ""  # InputRequired: never empty here
        problem = password_problem(password, email=email, firm_name=tenant.name)
        if problem:
            show_on_form(form, UserError(problem, field="password"))
            return _render("signup/start.html", form_status(form), form=form, rules=RULES)
        try:
            contact = register(
                tenant,
                name=form.name.data or "",
                email=email,
                password=password,
                company=(form.company.data or "") if "company" in form else "",
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="name")
            return _render("signup/start.html", form_status(form), form=form, rules=RULES)
        db.session.commit()
        session[PENDING_KEY] = {
            "contact": contact.id if contact else None,
            "email": email,
            "at": utcnow().timestamp(),
        }
        return redirect(url_for("signup.verify"))
    return _render("signup/start.html", form_status(form), form=form, rules=RULES)


@bp.route("/verify", methods=["GET", "POST"])
def verify() -> ResponseReturnValue:
    pending = _pending()
    if pending is None:
        return redirect(url_for("signup.start"))
    form = CodeForm()
    if form.validate_on_submit():
        enforce("30/hour", "signup-code-ip", current_tenant.id, _ip())
        enforce("10/15 minutes", "signup-code-email", current_tenant.id, pending["email"])
        outcome = CodeCheck.NO_LIVE_CODE
        contact = get_contact(current_tenant.id, pending["contact"]) if pending["contact"] else None
        if contact is not None:
            outcome = check_code(current_tenant.id, contact.id, form.code.data or "")
        else:
            check_code(current_tenant.id, 0, form.code.data or "")
        if outcome is CodeCheck.OK and contact is not None:
            mark_verified(current_tenant, contact, request.cookies.get(REFERRAL_COOKIE))
            db.session.commit()
            session.pop(PENDING_KEY, None)
            flash(_("Your email address is verified. Sign in with your password."))
            return redirect(url_for("access.sign_in"))
        db.session.commit()
        show_on_form(form, UserError(str(WRONG_CODE), field="code"))
    return _render("signup/verify.html", form_status(form), form=form, email=pending["email"])


@bp.post("/resend")
def resend() -> Response:
    pending = _pending()
    if pending is None:
        return redirect(url_for("signup.start"))
    enforce("1/minute", "signup-resend", current_tenant.id, pending["email"])
    enforce("5/hour", "signup-resend-hour", current_tenant.id, pending["email"])
    enforce("20/hour", "signup-resend-ip", current_tenant.id, _ip())
    contact = get_contact(current_tenant.id, pending["contact"]) if pending["contact"] else None
    if contact is not None and contact.activated_at is None:
        issue_code(current_tenant, contact)
        db.session.commit()
    flash(_("We sent a new code. Earlier codes no longer work."))
    return redirect(url_for("signup.verify"))


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@no_referrer
def confirm_link(token: str) -> ResponseReturnValue:
    """The emailed one-click link: GET shows a button (scanners must not verify), POST does."""
    row = code_for_link(current_tenant.id, token)
    contact = get_contact(current_tenant.id, row.contact_id) if row else None
    if row is None or contact is None:
        return _render("access/link_invalid.html", 404, kind="verification")
    if request.method == "POST":
        if use_link(row):
            mark_verified(current_tenant, contact, request.cookies.get(REFERRAL_COOKIE))
            db.session.commit()
            session.pop(PENDING_KEY, None)
            flash(_("Your email address is verified. Sign in with your password."))
            return redirect(url_for("access.sign_in"))
        return _render("access/link_invalid.html", 404, kind="verification")
    return _render("signup/confirm.html", email=contact.email)
