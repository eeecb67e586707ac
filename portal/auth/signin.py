"""One password check for every sign-in form: limits per account and per IP, equal timing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import redirect, request
from werkzeug.wrappers import Response

from portal.auth.forms import SignInForm
from portal.auth.passwords import verify_password
from portal.auth.principals import Principal, sign_in
from portal.auth.redirects import safe_next
from portal.core.database import utcnow
from portal.core.emails import lookup_email
from portal.core.errors import UserError, show_on_form
from portal.core.extensions import db
from portal.core.ratelimit import enforce

log = logging.getLogger("foyer.auth")
T = TypeVar("T", bound=Principal)

PER_ACCOUNT = "20/15 minutes"
PER_IP = "100/hour"


def check_password(
    scope: str,
    email: str,
    find: Callable[[str], list[T]],
    password: str,
) -> list[T]:
    """Return every candidate whose password matches; count each attempt against the limits.

    `find` usually returns one principal or none; a tenant that allows duplicate contacts can
    have several identities with one email, each with its own password.
    """
    enforce(PER_IP, "signin-ip", scope, request.remote_addr or "-")
    enforce(PER_ACCOUNT, "signin-account", scope, email)
    candidates = find(email)
    if not candidates:
        verify_password(None, password)
    matches = [
        principal
        for principal in candidates
        if verify_password(getattr(principal, "password_hash", None), password)
        and getattr(principal, "can_sign_in", True)
    ]
    log.info("sign-in %s scope=%s", "succeeded" if matches else "failed", scope)
    return matches


def one(find: Callable[[str], T | None]) -> Callable[[str], list[T]]:
    """Adapt a single-result lookup to `check_password`."""

    def find_all(email: str) -> list[T]:
        principal = find(email)
        return [] if principal is None else [principal]

    return find_all


def complete_sign_in(principal: Principal, landing: str) -> Response:
    principal.last_login_at = utcnow()
    sign_in(principal)
    db.session.commit()
    return redirect(safe_next(landing))


def sign_in_with(
    form: SignInForm,
    scope: str,
    find: Callable[[str], list[T]],
    landing: str,
    choose: Callable[[list[T]], Response] | None = None,
) -> Response | None:
    """Handle a submitted sign-in form: a redirect on success, else None (form shows errors).

    With several matching identities, `choose` lets the person pick one.
    """
    if not form.validate_on_submit():
        return None
    matches = check_password(scope, lookup_email(form.email.data), find, form.password.data or "")
    if len(matches) == 1 or (matches and choose is None):
        return complete_sign_in(matches[0], landing)
    if matches and choose is not None:
        return choose(matches)
    show_on_form(form, UserError("Email or password is incorrect.", field="password"))
    return None
