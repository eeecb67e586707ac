"""The second-factor pages every kind of person shares: verify after the password, set up an
authenticator app, see recovery codes once, remove a factor. Each area's blueprint
(admin/views/security.py, admin/views/operator_security.py, portal/web/security.py) passes its
own renderer and endpoints; the logic lives here once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from portal.auth.principals import Principal
from portal.auth.second_factor import (
    ENROL_KEY,
    JustLocked,
    confirm_enrolment,
    enrolment_details,
    factor_required,
    has_second_factor,
    new_unlock,
    owner_of,
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
from portal.mail.compose import queue_email
from tenants.context import tenant_url
from tenants.snapshot import TenantSnapshot

Render = Callable[..., ResponseReturnValue]


class CodeForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app, or a recovery code",
        validators=[InputRequired(), Length(max=40)],
    )


class ConfirmForm(FlaskForm):
    """A POST with nothing but its CSRF token (start, remove, new recovery codes)."""


def verify(
    kind: str, tenant: TenantSnapshot | None, render: Render, sign_in_endpoint: str, bp: str
) -> ResponseReturnValue:
    """Second step of signing in: a TOTP code or a recovery code completes it."""
    found = pending(kind, tenant.id if tenant is not None else None)
    if found is None:
        return redirect(url_for(sign_in_endpoint))
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
            _send_unlock(tenant, principal, bp)
            db.session.commit()
            show_on_form(form, exc, default_field="code")
        except UserError as exc:
            db.session.commit()
            show_on_form(form, exc, default_field="code")
        else:
            if "-" in code:
                flash(f"Recovery code used: {recovery_codes_left(owner)} left.")
            return complete_sign_in(principal, landing, verified=True)
    totp = totp_factor(owner)
    return render(
        "verify.html",
        form_status(form),
        form=form,
        bp=bp,
        has_totp=totp is not None and totp.confirmed_at is not None,
        has_passkeys=bool(passkeys_of(owner)),
    )


def _send_unlock(tenant: TenantSnapshot | None, principal: Principal, bp: str) -> None:
    """Email the single-use unlock link (firm people; operators use a recovery code)."""
    if tenant is None:
        return
    raw = new_unlock(owner_of(principal))
    link = tenant_url(tenant.canonical_host, f"{bp}.unlock", token=raw)
    email = str(getattr(principal, "email", ""))
    queue_email(tenant, email, "second_factor_unlock", link=link, email=email)


def unlock(
    kind: str, tenant: TenantSnapshot | None, token: str, render: Render, bp: str
) -> ResponseReturnValue:
    """The emailed link: signs the person in once and asks them to set up their app again.
    GET shows a button (mail scanners must not use the link up); POST redeems."""
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        principal = redeem_unlock(tenant.id if tenant is not None else None, kind, token)
        if principal is not None:
            response = complete_sign_in(principal, url_for(f"{bp}.index"), verified=True)
            session[ENROL_KEY] = True
            flash("You are signed in. Set up your authenticator app again.")
            return response
        db.session.rollback()
        return render("link_invalid.html", 404)
    if not unlock_is_live(tenant.id if tenant is not None else None, kind, token):
        return render("link_invalid.html", 404)
    return render("unlock.html", 200, form=form, bp=bp)


def manage(principal: Principal, render: Render, bp: str, tenant: TenantSnapshot | None) -> Any:
    """The person's own factors: authenticator app, recovery codes left, passkeys."""
    owner = owner_of(principal)
    totp = totp_factor(owner)
    return render(
        "index.html",
        200,
        bp=bp,
        form=ConfirmForm(),
        totp=totp if totp is not None and totp.confirmed_at is not None else None,
        codes_left=recovery_codes_left(owner),
        passkeys=passkeys_of(owner),
        required=factor_required(principal, tenant),
    )


def enrol(principal: Principal, render: Render, bp: str, issuer: str) -> ResponseReturnValue:
    """GET: a new secret as a QR code and text; POST: confirm with a first code, then show the
    ten recovery codes once."""
    owner = owner_of(principal)
    form = CodeForm()
    factor = totp_factor(owner)
    if factor is not None and factor.confirmed_at is not None:
        return redirect(url_for(f"{bp}.index"))
    if form.validate_on_submit():
        try:
            codes = confirm_enrolment(owner, form.code.data or "")
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="code")
        else:
            db.session.commit()
            session.pop(ENROL_KEY, None)
            return render("codes.html", 200, bp=bp, codes=codes)
    if factor is None:  # an unconfirmed secret is kept: reloading shows the same QR code
        factor = start_enrolment(owner)
        db.session.commit()
    label = str(getattr(principal, "email", ""))
    secret, svg = enrolment_details(factor, label, issuer)
    return render("enrol.html", form_status(form), bp=bp, form=form, secret=secret, qr=svg)


def new_codes(principal: Principal, render: Render, bp: str) -> ResponseReturnValue:
    owner = owner_of(principal)
    form = ConfirmForm()
    if not form.validate_on_submit() or totp_factor(owner) is None:
        return redirect(url_for(f"{bp}.index"))
    codes = regenerate_recovery_codes(owner)
    db.session.commit()
    return render("codes.html", 200, bp=bp, codes=codes)


def remove(
    principal: Principal, render: Render, bp: str, tenant: TenantSnapshot | None
) -> ResponseReturnValue:
    """Remove the authenticator app after a confirmation page."""
    owner = owner_of(principal)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        remove_totp(owner)
        if factor_required(principal, tenant) and not has_second_factor(owner):
            session[ENROL_KEY] = True
        db.session.commit()
        flash("Authenticator app removed.")
        return redirect(url_for(f"{bp}.index"))
    return render("remove.html", 200, bp=bp, form=form)


def enrol_first(area: Callable[[str], bool], allowed: set[str], bp: str) -> Any:
    """Before-request guard: a person who must have a factor and has none (the session says so
    at sign-in, no query per request) sees only the enrolment pages until done."""
    if not session.get(ENROL_KEY) or request.endpoint is None:
        return None
    if request.endpoint in allowed or request.endpoint.startswith(f"{bp}."):
        return None
    if area(request.endpoint):
        return redirect(url_for(f"{bp}.index"))
    return None
