"""A client's own second factor: optional, set up from the Security page; once set up it is
asked for after the password (or a recovery code, or the emailed unlock link after a lockout)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask.typing import ResponseReturnValue
from flask_login import current_user

from portal.auth import factor_pages
from portal.core.http import no_referrer
from portal.web.session import client_required
from tenants.context import current_tenant
from themes.loader import render_themed

bp = Blueprint("client_security", __name__)
NAME = "client_security"


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_themed(current_tenant.theme, f"portal/security/{template}", **context), status


@bp.route("/sign-in/verify", methods=["GET", "POST"])
def verify() -> ResponseReturnValue:
    return factor_pages.verify("client", current_tenant, _render, "access.sign_in", NAME)


@bp.route("/sign-in/unlock/<token>", methods=["GET", "POST"])
@no_referrer
def unlock(token: str) -> ResponseReturnValue:
    return factor_pages.unlock("client", current_tenant, token, _render, NAME)


@bp.get("/security")
@client_required
def index() -> ResponseReturnValue:
    return factor_pages.manage(current_user._get_current_object(), _render, NAME, current_tenant)


@bp.route("/security/authenticator", methods=["GET", "POST"])
@client_required
def enrol() -> ResponseReturnValue:
    return factor_pages.enrol(
        current_user._get_current_object(), _render, NAME, current_tenant.name
    )


@bp.post("/security/recovery-codes")
@client_required
def recovery_codes() -> ResponseReturnValue:
    return factor_pages.new_codes(current_user._get_current_object(), _render, NAME)


@bp.route("/security/authenticator/remove", methods=["GET", "POST"])
@client_required
def remove() -> ResponseReturnValue:
    return factor_pages.remove(current_user._get_current_object(), _render, NAME, current_tenant)
