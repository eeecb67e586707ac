"""The second-factor pages every kind of person shares: verify after the password (code,
recovery code or passkey), the emailed unlock link, set up an authenticator app, see recovery
codes once; and the URL rules of these and of the passkey pages (portal/auth/passkey_pages.py).

Each area (admin/views/security.py for staff, admin/views/operator_security.py for operators,
portal/web/security.py for clients) describes itself in an `Area` and calls `add_routes` on
its blueprint; the flows live here once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from portal.auth import passkey_pages, passkeys
from portal.auth.factor_area import Area, enrol_again_if_required, me, tenant_id_of
from portal.auth.principals import Principal
from portal.auth.second_factor import (
    ENROL_KEY,
    JustLocked,
    confirm_enrolment,
    enrolment_details,
    factor_required,
    new_unlock,
    owner_of,
    passkeys_allowed,
    passkeys_of,
    pending,
    recovery_codes_left,
    redeem_unlock,
    regenerate_recovery_codes,
    remove_totp,
    start_enrolment,
    totp_factor,
    unlock_is_live,
    use_recovery_code,
    verify_code,
)
from portal.auth.signin import complete_sign_in
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.http import no_referrer
from portal.mail.compose import queue_email
from tenants.context import tenant_url


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[InputRequired(), Length(max=40)],
    )


class ConfirmForm(FlaskForm):
    """A POST with nothing but its CSRF token (start, remove, new recovery codes)."""


# --- signing in ------------------------------------------------------------------------------


def verify(area: Area) -> ResponseReturnValue:
    """Second step of signing in: a TOTP code, a recovery code or a passkey completes it."""
    found = pending(area.kind, tenant_id_of(area))
    if found is None:
        return redirect(url_for(area.sign_in_endpoint))
    principal, landing = found
    owner = owner_of(principal)
    form = CodeForm()
    if form.validate_on_submit():
        code = (form.code.data or "").strip()
        try:
            if "-" in code:
                use_recovery_code(owner, code)
            else:
                verify_code(owner, code)
        except JustLocked as exc:
            _send_unlock(area, principal)
            db.session.commit()
            show_on_form(form, exc, default_field="code")
        except UserError as exc:
            db.session.commit()
            show_on_form(form, exc, default_field="code")
        else:
            if "-" in code:
                flash(_("Recovery code used: %(left)s left.", left=recovery_codes_left(owner)))
            return complete_sign_in(principal, landing, verified=True)
    totp = totp_factor(owner)
    host = passkeys.site_of_request(area.issuer()).rp_id
    usable = passkeys_allowed(owner) and any(p.rp_id == host for p in passkeys_of(owner))
    return area.render(
        "verify.html",
        form_status(form),
        form=form,
        bp=area.name,
        has_totp=totp is not None and totp.confirmed_at is not None,
        has_passkeys=usable,
    )


def _send_unlock(area: Area, principal: Principal) -> None:
    """Email the single-use unlock link (firm people; operators use a recovery code)."""
    tenant = area.tenant()
    if tenant is None or not area.emailed_unlock:
        return
    raw = new_unlock(owner_of(principal))
    link = tenant_url(tenant.canonical_host, f"{area.name}.unlock", token=raw)
    email = str(getattr(principal, "email", ""))
    queue_email(tenant, email, "second_factor_unlock", link=link, email=email)


def unlock(area: Area, token: str) -> ResponseReturnValue:
    """The emailed link: signs the person in once and asks them to set up their app again.
    GET shows a button (mail scanners must not use the link up); POST redeems."""
    form = ConfirmForm()
    tenant_id = tenant_id_of(area)
    if request.method == "POST" and form.validate_on_submit():
        principal = redeem_unlock(tenant_id, area.kind, token)
        if principal is not None:
            response = complete_sign_in(principal, url_for(f"{area.name}.index"), verified=True)
            session[ENROL_KEY] = True
            flash(_("You are signed in. Set up your authenticator app again."))
            return response
        db.session.rollback()
        return area.render("link_invalid.html", 404)
    if not unlock_is_live(tenant_id, area.kind, token):
        return area.render("link_invalid.html", 404)
    return area.render("unlock.html", 200, form=form, bp=area.name)


# --- the person's own factors ----------------------------------------------------------------


def manage(area: Area) -> ResponseReturnValue:
    """The person's own factors: authenticator app, recovery codes left, passkeys."""
    principal = me()
    owner = owner_of(principal)
    totp = totp_factor(owner)
    return area.render(
        "index.html",
        200,
        bp=area.name,
        form=ConfirmForm(),
        totp=totp if totp is not None and totp.confirmed_at is not None else None,
        codes_left=recovery_codes_left(owner),
        passkeys=passkeys_of(owner),
        passkeys_allowed=passkeys_allowed(owner),
        host=passkeys.site_of_request(area.issuer()).rp_id,
        required=factor_required(principal, area.tenant()),
    )


def enrol(area: Area) -> ResponseReturnValue:
    """GET: a new secret as a QR code and text; POST: confirm with a first code, then show the
    ten recovery codes once."""
    principal = me()
    owner = owner_of(principal)
    form = CodeForm()
    factor = totp_factor(owner)
    if factor is not None and factor.confirmed_at is not None:
        return redirect(url_for(f"{area.name}.index"))
    if form.validate_on_submit():
        try:
            codes = confirm_enrolment(owner, form.code.data or "")
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="code")
        else:
            db.session.commit()
            session.pop(ENROL_KEY, None)
            return area.render("codes.html", 200, bp=area.name, codes=codes)
    if factor is None:  # an unconfirmed secret is kept: reloading shows the same QR code
        factor = start_enrolment(owner)
        db.session.commit()
    label = str(getattr(principal, "email", ""))
    secret, svg = enrolment_details(factor, label, area.issuer())
    return area.render(
        "enrol.html", form_status(form), bp=area.name, form=form, secret=secret, qr=svg
    )


def new_codes(area: Area) -> ResponseReturnValue:
    owner = owner_of(me())
    form = ConfirmForm()
    if not form.validate_on_submit() or totp_factor(owner) is None:
        return redirect(url_for(f"{area.name}.index"))
    codes = regenerate_recovery_codes(owner)
    db.session.commit()
    return area.render("codes.html", 200, bp=area.name, codes=codes)


def remove(area: Area) -> ResponseReturnValue:
    """Remove the authenticator app after a confirmation page."""
    principal = me()
    owner = owner_of(principal)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        remove_totp(owner)
        enrol_again_if_required(area, principal)
        db.session.commit()
        flash(_("Authenticator app removed."))
        return redirect(url_for(f"{area.name}.index"))
    return area.render("remove.html", 200, bp=area.name, form=form)


# --- wiring ----------------------------------------------------------------------------------


def enrol_first(area_endpoint: Callable[[str], bool], allowed: set[str], bp: str) -> Any:
    """Before-request guard: a person who must have a factor and has none (the session says so
    at sign-in, no query per request) sees only the enrolment pages until done."""
    if not session.get(ENROL_KEY) or request.endpoint is None:
        return None
    if request.endpoint in allowed or request.endpoint.startswith(f"{bp}."):
        return None
    if area_endpoint(request.endpoint):
        return redirect(url_for(f"{bp}.index"))
    return None


def add_routes(bp: Blueprint, area: Area) -> None:
    """The same URLs under every area's prefix (/admin, /operator, the client's root)."""
    guarded = area.guard

    def rule(path: str, endpoint: str, view: Callable[..., Any], methods: list[str]) -> None:
        bp.add_url_rule(path, endpoint, view, methods=methods)

    rule("/sign-in/verify", "verify", lambda: verify(area), ["GET", "POST"])
    rule(
        "/sign-in/verify/passkey/options",
        "verify_passkey_options",
        lambda: passkey_pages.verify_passkey_options(area),
        ["POST"],
    )
    rule(
        "/sign-in/verify/passkey",
        "verify_passkey",
        lambda: passkey_pages.verify_passkey(area),
        ["POST"],
    )
    rule(
        "/sign-in/passkey/options",
        "passkey_sign_in_options",
        lambda: passkey_pages.passkey_sign_in_options(area),
        ["POST"],
    )
    rule(
        "/sign-in/passkey", "passkey_sign_in", lambda: passkey_pages.passkey_sign_in(area), ["POST"]
    )
    if area.emailed_unlock:
        rule(
            "/sign-in/unlock/<token>",
            "unlock",
            no_referrer(lambda token: unlock(area, token)),
            ["GET", "POST"],
        )
    rule("/security", "index", guarded(lambda: manage(area)), ["GET"])
    rule("/security/authenticator", "enrol", guarded(lambda: enrol(area)), ["GET", "POST"])
    rule("/security/recovery-codes", "recovery_codes", guarded(lambda: new_codes(area)), ["POST"])
    rule("/security/authenticator/remove", "remove", guarded(lambda: remove(area)), ["GET", "POST"])
    rule(
        "/security/passkeys/new",
        "passkey_new",
        guarded(lambda: passkey_pages.passkey_new(area)),
        ["GET", "POST"],
    )
    rule(
        "/security/passkeys/options",
        "passkey_options",
        guarded(lambda: passkey_pages.passkey_options(area)),
        ["POST"],
    )
    rule(
        "/security/passkeys/<int:passkey_id>/rename",
        "passkey_rename",
        guarded(lambda passkey_id: passkey_pages.passkey_rename(area, passkey_id)),
        ["GET", "POST"],
    )
    rule(
        "/security/passkeys/<int:passkey_id>/remove",
        "passkey_remove",
        guarded(lambda passkey_id: passkey_pages.passkey_remove(area, passkey_id)),
        ["GET", "POST"],
    )
