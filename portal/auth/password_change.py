"""Changing one's own password while signed in: the current password first, the usual rules for
the new one, and every other session of the person ends (this browser stays signed in)."""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.exceptions import TooManyRequests

from portal.auth.passwords import hash_password, password_problem, verify_password
from portal.auth.principals import Principal
from portal.auth.sessions import end_others
from portal.core.errors import UserError
from portal.core.ratelimit import enforce

ATTEMPTS = "10/15 minutes"  # wrong current passwords: a borrowed session cannot guess for long


def change_password(principal: Principal, current: str, new: str, *, firm_name: str) -> int:
    """Set the new password; return how many other sessions ended. The caller commits and
    sends the "password changed" email."""
    try:
        enforce(ATTEMPTS, "password-change", principal.kind, principal.id)
    except TooManyRequests:
        raise UserError(
            _("Too many attempts. Wait a few minutes and try again."), field="current_password"
        ) from None
    stored = getattr(principal, "password_hash", None)
    if not verify_password(stored, current):
        raise UserError(_("Your current password is not correct."), field="current_password")
    email = str(getattr(principal, "email", ""))
    problem = password_problem(new, email=email, firm_name=firm_name)
    if problem:
        raise UserError(_(problem), field="password")
    if verify_password(stored, new):
        raise UserError(_("Choose a password different from your current one."), field="password")
    principal.password_hash = hash_password(new)  # type: ignore[attr-defined]
    return end_others(principal.holder, principal.session_key)
