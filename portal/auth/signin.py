"""One password check for every sign-in form: limits per account and per IP, equal timing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from flask import g, redirect, request, session
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from portal.audit.service import Outcome, record
from portal.auth.forms import SignInForm
from portal.auth.passwords import verify_password
from portal.auth.principals import Principal, sign_in
from portal.auth.redirects import safe_next
from portal.auth.second_factor import (
    ENROL_KEY,
    begin_verification,
    factor_required,
    has_second_factor,
    owner_of,
)
from portal.core.database import utcnow
from portal.core.emails import lookup_email
from portal.core.errors import UserError, show_on_form
from portal.core.extensions import db
from portal.core.ratelimit import enforce

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
    kind = scope.partition(":")[0]
    for rule, name, key in (
        (PER_IP, "signin-ip", request.remote_addr or "-"),
        (PER_ACCOUNT, "signin-account", email),
    ):
        try:
            enforce(rule, name, scope, key)
        except TooManyRequests:
            record(
                "signin.locked",
                tenant=g.get("tenant"),
                principal_kind=kind,
                outcome=Outcome.BLOCKED,
                detail=f"{name} limit {rule}",
            )
            raise
    candidates = find(email)
    if not candidates:
        verify_password(None, password)
    matches = [
        principal
        for principal in candidates
        if verify_password(getattr(principal, "password_hash", None), password)
        and getattr(principal, "can_sign_in", True)
    ]
    if not matches:
        record(
            "signin",
            tenant=g.get("tenant"),
            principal_kind=kind,
            principal_id=candidates[0].id if len(candidates) == 1 else None,
            outcome=Outcome.FAILURE,
            detail=_failure_reason(candidates),
        )
    return matches


def _failure_reason(candidates: Sequence[Principal]) -> str:
    if not candidates:
        return "no such account"
    if len(candidates) > 1:
        return f"wrong password for all {len(candidates)} identities"
    if not candidates[0].can_sign_in:
        return "account cannot sign in"
    return "wrong password"


def one(find: Callable[[str], T | None]) -> Callable[[str], list[T]]:
    """Adapt a single-result lookup to `check_password`."""

    def find_all(email: str) -> list[T]:
        principal = find(email)
        return [] if principal is None else [principal]

    return find_all


def complete_sign_in(principal: Principal, landing: str, *, verified: bool = False) -> Response:
    """Sign in, unless a second factor is set up and not yet `verified` (then ask for it);
    a person who must have a factor and has none is sent to enrol first."""
    owner = owner_of(principal)
    if not verified and has_second_factor(owner):
        return begin_verification(principal, landing)
    principal.last_login_at = utcnow()
    sign_in(principal)
    if factor_required(principal, g.get("tenant")) and not has_second_factor(owner):
        session[ENROL_KEY] = True
    db.session.commit()
    record(
        "signin",
        tenant=g.get("tenant"),
        principal_kind=principal.kind,
        principal_id=principal.id,
        outcome=Outcome.SUCCESS,
    )
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
