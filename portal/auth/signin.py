"""One password check for every sign-in form: limits per account and per IP, equal timing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import redirect, request
from werkzeug.wrappers import Response

from portal.auth.forms import SignInForm
from portal.auth.passwords import verify_password
from portal.auth.principals import sign_in
from portal.auth.redirects import safe_next
from portal.emails import lookup_email
from portal.extensions import db
from portal.ratelimit import enforce
from tenants.models import utcnow

log = logging.getLogger("foyer.auth")
T = TypeVar("T")

PER_ACCOUNT = "20/15 minutes"
PER_IP = "100/hour"


def check_password(
    scope: str,
    email: str,
    find: Callable[[str], T | None],
    password: str,
) -> T | None:
    """Return the principal when the password matches; count every attempt against limits."""
    enforce(PER_IP, "signin-ip", scope, request.remote_addr or "-")
    enforce(PER_ACCOUNT, "signin-account", scope, email)
    principal = find(email)
    password_hash = getattr(principal, "password_hash", None)
    if verify_password(password_hash, password) and getattr(principal, "can_sign_in", True):
        log.info("sign-in succeeded scope=%s principal=%s", scope, getattr(principal, "id", "?"))
        return principal
    log.info("sign-in failed scope=%s", scope)
    return None


def sign_in_with(
    form: SignInForm, scope: str, find: Callable[[str], T | None], landing: str
) -> Response | None:
    """Handle a submitted sign-in form: a redirect on success, else None (form shows errors)."""
    if not form.validate_on_submit():
        return None
    principal = check_password(scope, lookup_email(form.email.data), find, form.password.data or "")
    if principal is None:
        form.password.errors.append("Email or password is incorrect.")
        return None
    principal.last_login_at = utcnow()  # type: ignore[attr-defined]
    sign_in(principal)
    db.session.commit()
    return redirect(safe_next(landing))
