"""Changing one's own password while signed in: the current password first, the usual rules for
the new one, and every other session of the person ends (this browser stays signed in)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from werkzeug.exceptions import TooManyRequests

from portal.auth.passwords import hash_password, password_problem, verify_password
from portal.auth.principals import Principal
from portal.auth.sessions import end_others
from portal.core.errors import UserError, show_on_form
from portal.core.extensions import db
from portal.core.ratelimit import enforce
from portal.mail.compose import queue_email
from tenants.snapshot import TenantSnapshot

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


def change_password_on_form(
    principal: Principal, form: Any, tenant: TenantSnapshot, email: str, **email_context: Any
) -> int | None:
    """The whole POST of a "change password" form, for clients and staff alike: on success the
    change is committed with its `email` notice queued and the count of other sessions ended is
    returned; otherwise None, with the problem shown on the form."""
    if not form.validate_on_submit():
        return None
    try:
        ended = change_password(
            principal,
            form.current_password.data or "",
            form.password.data or "",
            firm_name=tenant.name,
        )
    except UserError as error:
        db.session.rollback()
        show_on_form(form, error)
        return None
    queue_email(tenant, str(getattr(principal, "email", "")), email, **email_context)
    db.session.commit()
    return ended
