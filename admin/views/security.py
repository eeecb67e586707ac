"""A staff member's own second factor on the firm's hosts: the verify step after the password,
the emailed unlock link after a lockout, and enrolment (required when the firm's
`require_staff_2fa` setting is on)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from admin.access import staff_required
from portal.auth import factor_pages
from portal.core.http import no_referrer
from tenants.context import current_tenant

bp = Blueprint("admin_security", __name__, url_prefix="/admin")
NAME = "admin_security"


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    page = render_template(f"admin/security/{template}", layout="admin/firm/layout.html", **context)
    return page, status


@bp.before_app_request
def _enrol_first() -> Any:
    return factor_pages.enrol_first(
        lambda endpoint: endpoint.startswith("admin_"), {"admin_firm.sign_out"}, NAME
    )


@bp.route("/sign-in/verify", methods=["GET", "POST"])
def verify() -> ResponseReturnValue:
    return factor_pages.verify("staff", current_tenant, _render, "admin_firm.sign_in", NAME)


@bp.route("/sign-in/unlock/<token>", methods=["GET", "POST"])
@no_referrer
def unlock(token: str) -> ResponseReturnValue:
    return factor_pages.unlock("staff", current_tenant, token, _render, NAME)


@bp.get("/security")
@staff_required
def index() -> ResponseReturnValue:
    return factor_pages.manage(current_user._get_current_object(), _render, NAME, current_tenant)


@bp.route("/security/authenticator", methods=["GET", "POST"])
@staff_required
def enrol() -> ResponseReturnValue:
    return factor_pages.enrol(
        current_user._get_current_object(), _render, NAME, current_tenant.name
    )


@bp.post("/security/recovery-codes")
@staff_required
def recovery_codes() -> ResponseReturnValue:
    return factor_pages.new_codes(current_user._get_current_object(), _render, NAME)


@bp.route("/security/authenticator/remove", methods=["GET", "POST"])
@staff_required
def remove() -> ResponseReturnValue:
    return factor_pages.remove(current_user._get_current_object(), _render, NAME, current_tenant)
