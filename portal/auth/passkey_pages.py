"""The passkey pages every area shares: sign in with a passkey instead of a password, use one
as the second step after the password, and add, rename and remove one's passkeys. The browser
side is passkeys.js; the ceremonies are in portal.auth.passkeys."""

from __future__ import annotations

import json

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from portal.auth import passkeys
from portal.auth.factor_area import Area, enrol_again_if_required, me, tenant_id_of
from portal.auth.passwords import verify_password
from portal.auth.principals import Principal
from portal.auth.second_factor import (
    ENROL_KEY,
    has_second_factor,
    owner_of,
    passkeys_allowed,
    pending,
)
from portal.auth.signin import complete_sign_in
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.ratelimit import enforce

PASSKEY_ATTEMPTS = "30/15 minutes"  # per IP: options and answers of passkey sign-in


class PasskeyAnswerForm(FlaskForm):
    """The browser's answer to a passkey request, put here by passkeys.js."""

    credential = HiddenField(validators=[Length(max=20_000)])


class NewPasskeyForm(PasskeyAnswerForm):
    name = StringField(_l("Name of this passkey"), validators=[InputRequired(), Length(max=80)])


class RenamePasskeyForm(FlaskForm):
    name = StringField(_l("Name of this passkey"), validators=[InputRequired(), Length(max=80)])


class RemovePasskeyForm(FlaskForm):
    password = PasswordField(
        _l("Your current password"), validators=[InputRequired(), Length(max=1000)]
    )


def _json(body: str, status: int = 200) -> Response:
    return current_app.response_class(body, status=status, mimetype="application/json")


def verify_passkey_options(area: Area) -> ResponseReturnValue:
    found = pending(area.kind, tenant_id_of(area))
    if found is None:
        return _json(json.dumps({"error": _("Sign in with your password again.")}), 409)
    enforce(PASSKEY_ATTEMPTS, "passkey-ip", request.remote_addr or "-")
    principal, _landing = found
    if not passkeys_allowed(owner_of(principal)):
        abort(404)
    return _json(passkeys.verify_options(principal, passkeys.site_of_request(area.issuer())))


def verify_passkey(area: Area) -> ResponseReturnValue:
    found = pending(area.kind, tenant_id_of(area))
    form = PasskeyAnswerForm()
    if found is None or not form.validate_on_submit():
        return redirect(url_for(area.sign_in_endpoint))
    principal, landing = found
    if not passkeys_allowed(owner_of(principal)):
        abort(404)
    enforce(PASSKEY_ATTEMPTS, "passkey-ip", request.remote_addr or "-")
    site = passkeys.site_of_request(area.issuer())
    try:
        passkeys.verify_second_step(principal, site, form.credential.data or "")
    except UserError as exc:
        db.session.commit()
        flash(exc.message, "error")
        return redirect(url_for(f"{area.name}.verify"))
    return complete_sign_in(principal, landing, verified=True)


def passkey_sign_in_options(area: Area) -> ResponseReturnValue:
    """Options for signing in with a passkey instead of a password (public, rate limited)."""
    if not _passkey_sign_in_offered(area):
        abort(404)
    enforce(PASSKEY_ATTEMPTS, "passkey-ip", request.remote_addr or "-")
    return _json(passkeys.sign_in_options(passkeys.site_of_request(area.issuer())))


def passkey_sign_in(area: Area) -> ResponseReturnValue:
    """The browser's answer: sign the passkey's owner in (user verification stands in for the
    password, so no second step follows)."""
    if not _passkey_sign_in_offered(area):
        abort(404)
    form = PasskeyAnswerForm()
    if not form.validate_on_submit():
        flash(_("The sign-in form expired. Please try again."), "error")
        return redirect(url_for(area.sign_in_endpoint))
    enforce(PASSKEY_ATTEMPTS, "passkey-ip", request.remote_addr or "-")
    site = passkeys.site_of_request(area.issuer())
    try:
        credential = form.credential.data or ""
        principal = passkeys.sign_in(site, credential, area.kind, tenant_id_of(area))
    except UserError as exc:
        db.session.commit()
        flash(exc.message, "error")
        return redirect(url_for(area.sign_in_endpoint))
    landing = request.args.get("next") or url_for(area.landing_endpoint)
    return complete_sign_in(principal, landing, verified=True)


def _passkey_sign_in_offered(area: Area) -> bool:
    tenant = area.tenant()
    return area.kind != "client" or (tenant is not None and tenant.allow_client_passkeys)


def _allowed_or_404(principal: Principal) -> None:
    if not passkeys_allowed(owner_of(principal)):
        abort(404)


def passkey_new(area: Area) -> ResponseReturnValue:
    """Name a new passkey; passkeys.js asks the browser to create it and posts its answer."""
    principal = me()
    _allowed_or_404(principal)
    form = NewPasskeyForm()
    if form.validate_on_submit():
        site = passkeys.site_of_request(area.issuer())
        try:
            passkey = passkeys.register(
                principal, site, form.credential.data or "", form.name.data or ""
            )
        except UserError as exc:
            db.session.commit()  # the challenge stays used up
            show_on_form(form, exc, default_field="credential")
        else:
            db.session.commit()
            if has_second_factor(owner_of(principal)):
                session.pop(ENROL_KEY, None)
            flash(_("Passkey “%(name)s” added.", name=passkey.name))
            return redirect(url_for(f"{area.name}.index"))
    return area.render("passkey_new.html", form_status(form), bp=area.name, form=form)


def passkey_options(area: Area) -> ResponseReturnValue:
    principal = me()
    _allowed_or_404(principal)
    enforce(PASSKEY_ATTEMPTS, "passkey-register", principal.kind, principal.id)
    return _json(passkeys.registration_options(principal, passkeys.site_of_request(area.issuer())))


def passkey_rename(area: Area, passkey_id: int) -> ResponseReturnValue:
    principal = me()
    _allowed_or_404(principal)
    passkey = passkeys.get_passkey(owner_of(principal), passkey_id) or abort(404)
    form = RenamePasskeyForm(obj=passkey if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            passkeys.rename(passkey, form.name.data or "")
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="name")
        else:
            db.session.commit()
            flash(_("Passkey renamed to “%(name)s”.", name=passkey.name))
            return redirect(url_for(f"{area.name}.index"))
    return area.render(
        "passkey_rename.html", form_status(form), bp=area.name, form=form, passkey=passkey
    )


def passkey_remove(area: Area, passkey_id: int) -> ResponseReturnValue:
    """Remove a passkey: the current password is asked, so a session left open cannot."""
    principal = me()
    passkey = passkeys.get_passkey(owner_of(principal), passkey_id) or abort(404)
    form = RemovePasskeyForm()
    if form.validate_on_submit():
        enforce("10/15 minutes", "passkey-remove", principal.kind, principal.id)
        password_hash = getattr(principal, "password_hash", None)
        if not verify_password(password_hash, form.password.data or ""):
            show_on_form(form, UserError(_("That password is not right."), field="password"))
        else:
            name = passkey.name
            passkeys.remove(passkey)
            enrol_again_if_required(area, principal)
            db.session.commit()
            flash(_("Passkey “%(name)s” removed.", name=name))
            return redirect(url_for(f"{area.name}.index"))
    return area.render(
        "passkey_remove.html", form_status(form), bp=area.name, form=form, passkey=passkey
    )
