"""Client sign-in, sign-out, password reset, invitation acceptance and account switching."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.audit.service import Outcome, record
from portal.auth.forms import EmailForm, SetPasswordForm, SignInForm
from portal.auth.passwordless import passwords_allowed
from portal.auth.passwords import RULES, hash_password, password_problem
from portal.auth.principals import sign_in
from portal.auth.principals import sign_out as end_this_session
from portal.auth.signin import complete_sign_in, sign_in_with
from portal.auth.tokens import new_nonce
from portal.clients.directory import (
    accessible_accounts,
    find_contacts_by_email,
    get_contact,
    has_login,
)
from portal.clients.invitations import (
    SendLimitReached,
    find_by_token,
    is_redeemable,
    open_invitation,
    redeem,
    send_invitation,
)
from portal.clients.models import Contact
from portal.clients.notify import notify_managers
from portal.clients.resets import live_reset, send_reset, use_reset
from portal.core.database import utcnow
from portal.core.emails import lookup_email
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.http import no_referrer
from portal.core.ratelimit import enforce
from portal.mail.compose import queue_email
from portal.web.session import ACCOUNT_KEY, client_required
from portal.webhooks.service import emit
from tenants.context import current_tenant, tenant_url
from tenants.models import ExpiredInviteAction, SignupMode
from themes.loader import render_themed

bp = Blueprint("access", __name__)
CHOICES_KEY = "sign_in_choices"
CHOICE_SECONDS = 300
FORGOT_SENT = _l(
    "If that address has portal access, we've emailed it a link. "
    "Check your spam or junk folder too."
)


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_themed(current_tenant.theme, template, **context), status


def _find_clients(email: str) -> list[Contact]:
    """Identities with this email that may sign in (several only with duplicate contacts)."""
    return [
        contact
        for contact in find_contacts_by_email(current_tenant.id, email)
        if has_login(current_tenant.id, contact.id)
    ]


@bp.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
def sign_in_page() -> ResponseReturnValue:
    if not passwords_allowed(current_tenant):  # the firm signs clients in by emailed code
        return redirect(url_for("passwordless.start", next=request.args.get("next")))
    form = SignInForm()
    response = sign_in_with(
        form,
        f"client:{current_tenant.id}",
        _find_clients,
        url_for("home.index"),
        choose=_offer_choice,
    )
    return response or _render(
        "access/sign_in.html",
        form_status(form),
        form=form,
        signup_open=current_tenant.signup_mode == SignupMode.OPEN,
    )


def _offer_choice(matches: list[Contact]) -> Response:
    """Several identities share this email and password: the person picks one."""
    session.clear()
    session[CHOICES_KEY] = {"ids": [c.id for c in matches], "at": utcnow().timestamp()}
    return redirect(url_for("access.choose_identity"))


@bp.route("/sign-in/choose", methods=["GET", "POST"])
def choose_identity() -> ResponseReturnValue:
    offered = session.get(CHOICES_KEY) or {}
    fresh = utcnow().timestamp() - offered.get("at", 0) < CHOICE_SECONDS
    ids = offered.get("ids", []) if fresh else []
    if not ids:
        return redirect(url_for("access.sign_in"))
    if request.method == "POST":
        wanted = request.form.get("contact_id", type=int)
        if wanted is not None and wanted in ids:
            contact = get_contact(current_tenant.id, wanted)
            if contact is not None and contact.can_sign_in:
                return complete_sign_in(contact, url_for("home.index"))
        abort(404)
    choices = [
        (contact, [account.name for account in accessible_accounts(current_tenant.id, contact.id)])
        for contact in (get_contact(current_tenant.id, i) for i in ids)
        if contact is not None
    ]
    return _render("access/choose_identity.html", choices=choices)


@bp.post("/sign-out")
def sign_out() -> Response:
    """Sign this browser out; the client's other devices stay signed in (Profile lists them)."""
    if current_user.is_authenticated and getattr(current_user, "kind", None) == "client":
        end_this_session(current_user._get_current_object())
        db.session.commit()
    flash(_("You have signed out."))
    return redirect(url_for("access.sign_in"))


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password() -> tuple[str, int]:
    form = EmailForm()
    if form.validate_on_submit():
        email = lookup_email(form.email.data)
        enforce("10/hour", "reset-ip", current_tenant.id, request.remote_addr or "-")
        enforce("5/hour", "reset-account", current_tenant.id, email)
        tenant = current_tenant
        for contact in _find_clients(email):
            if contact.can_sign_in:
                send_reset(tenant, contact)
            elif open_invitation(tenant.id, contact.id) is not None:
                with suppress(SendLimitReached):  # the same answer either way: no enumeration
                    send_invitation(tenant, contact, invited_by="Password reset request")
        db.session.commit()
        return _render("access/notice.html", title=_("Check your email"), message=FORGOT_SENT)
    return _render("access/forgot_password.html", form_status(form), form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@no_referrer
def reset_password(token: str) -> ResponseReturnValue:
    reset = live_reset(current_tenant.id, token)
    contact = get_contact(current_tenant.id, reset.contact_id) if reset else None
    if reset is None or contact is None:
        _link_refused("reset.invalid", "unknown, used or expired")
        return _render("access/link_invalid.html", 404, kind="password reset")
    form = SetPasswordForm()
    if form.validate_on_submit():
        password = form.password.data or ""  # InputRequired: never empty here
        problem = password_problem(password, email=contact.email, firm_name=current_tenant.name)
        if problem:
            show_on_form(form, UserError(problem, field="password"))
        elif use_reset(reset):
            contact.password_hash = hash_password(password)
            contact.session_nonce = new_nonce()
            queue_email(current_tenant, contact.email, "password_changed", contact=contact)
            sign_in(contact)
            db.session.commit()
            _link_used("reset.completed", contact.id)
            flash(_("Your password has been changed."))
            return redirect(url_for("home.index"))
        else:
            db.session.rollback()  # nothing to keep; frees SQLite for the audit row
            _link_refused("reset.used", "used or expired while the form was open", contact.id)
            return _render("access/link_invalid.html", 404, kind="password reset")
    return _render(
        "access/set_password.html",
        form_status(form),
        form=form,
        email=contact.email,
        rules=RULES,
        heading=_("Choose a new password"),
        button=_("Change password"),
    )


@bp.route("/invite/<token>", methods=["GET", "POST"])
@no_referrer
def accept_invitation(token: str) -> ResponseReturnValue:
    """GET only shows the page, so mail scanners cannot use the invitation up; POST redeems."""
    invitation = find_by_token(current_tenant.id, token)
    contact = get_contact(current_tenant.id, invitation.contact_id) if invitation else None
    if invitation is None or contact is None or invitation.email != contact.email:
        _link_refused("invitation.invalid", "unknown link or address changed")
        return _render("access/link_invalid.html", 404, kind="invitation")
    if invitation.cancelled_at is not None:
        _link_refused("invitation.cancelled", "", contact.id)
        return _render("access/invitation_cancelled.html", 410)
    if invitation.accepted_at is not None:
        _link_refused("invitation.used", "", contact.id)
        return _render("access/invitation_used.html", 410)
    if not is_redeemable(invitation, contact):
        _link_refused("invitation.expired", "", contact.id)
        return _render("access/invitation_expired.html", 410, token=token)
    form = SetPasswordForm()
    if form.validate_on_submit():
        password = form.password.data or ""  # InputRequired: never empty here
        problem = password_problem(password, email=contact.email, firm_name=current_tenant.name)
        if problem:
            show_on_form(form, UserError(problem, field="password"))
        elif has_login(current_tenant.id, contact.id) and redeem(invitation):
            now = utcnow()
            contact.password_hash = hash_password(password)
            contact.activated_at = contact.activated_at or now
            contact.last_login_at = now
            emit(current_tenant, "client.activated", {"contact_id": contact.id})
            queue_email(
                current_tenant, contact.email, "welcome", contact=contact, link=url_for_portal()
            )
            sign_in(contact)
            db.session.commit()
            _link_used("invitation.accepted", contact.id)
            return redirect(url_for("home.index"))
        else:
            db.session.rollback()  # nothing to keep; frees SQLite for the audit row
            _link_refused(
                "invitation.used", "used, cancelled or access removed meanwhile", contact.id
            )
            return _render("access/link_invalid.html", 404, kind="invitation")
    return _render(
        "access/set_password.html",
        form_status(form),
        form=form,
        email=contact.email,
        rules=RULES,
        heading=_(
            "Welcome to %(portal)s", portal=current_tenant.portal_name or current_tenant.name
        ),
        button=_("Set password and sign in"),
    )


@bp.post("/invite/<token>/renew")
def renew_invitation(token: str) -> tuple[str, int]:
    """An expired link asks for a fresh one; the answer never says whether anything happened."""
    enforce("10/hour", "invite-renew-ip", current_tenant.id, request.remote_addr or "-")
    invitation = find_by_token(current_tenant.id, token)
    contact = get_contact(current_tenant.id, invitation.contact_id) if invitation else None
    if (
        invitation is not None
        and contact is not None
        and invitation.accepted_at is None
        and invitation.cancelled_at is None
        and invitation.email == contact.email
        and has_login(current_tenant.id, contact.id)
    ):
        enforce("3/day", "invite-renew-contact", current_tenant.id, contact.id)
        tenant = current_tenant
        if tenant.expired_invite_action == ExpiredInviteAction.NOTIFY:
            notify_managers(tenant, "invite_renewal_request", contact=contact)
        else:
            with suppress(SendLimitReached):  # the answer never says whether anything happened
                send_invitation(tenant, contact, invited_by="Client (renewed an expired link)")
        db.session.commit()
    return _render(
        "access/notice.html",
        title=_("Request received"),
        message=_(
            "Thank you. If this invitation can be renewed, a fresh one is on its way or "
            "%(firm)s will be in touch. Check your spam or junk folder too.",
            firm=current_tenant.portal_name or current_tenant.name,
        ),
    )


@bp.post("/switch-account")
@client_required
def switch_account() -> Response:
    wanted = request.form.get("account_id", type=int)
    if wanted not in {account.id for account in g.accounts}:
        abort(404)
    session[ACCOUNT_KEY] = wanted
    return redirect(url_for("home.index"))


def _link_refused(event: str, detail: str, contact_id: int | None = None) -> None:
    """An invitation or reset link that cannot be used: recorded, never with its token."""
    record(
        event,
        tenant=current_tenant,
        principal_kind="client" if contact_id is not None else "",
        principal_id=contact_id,
        outcome=Outcome.REFUSED,
        detail=detail,
    )


def _link_used(event: str, contact_id: int) -> None:
    """A link redeemed: the client has set a password and is signed in."""
    record(
        event,
        tenant=current_tenant,
        principal_kind="client",
        principal_id=contact_id,
        outcome=Outcome.SUCCESS,
    )


def url_for_portal() -> str:
    return tenant_url(current_tenant.canonical_host, "home.index")
