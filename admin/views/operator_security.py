"""An operator's own second factor: the verify step after the password and the enrolment
every operator must complete (REQUIRE_OPERATOR_2FA, default on) before using the console."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from admin.access import operator_required
from portal.auth import factor_pages

bp = Blueprint("operator_security", __name__, url_prefix="/operator")
NAME = "operator_security"


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    page = render_template(
        f"admin/security/{template}", layout="admin/operator/layout.html", **context
    )
    return page, status


@bp.before_app_request
def _enrol_first() -> Any:
    return factor_pages.enrol_first(
        lambda endpoint: endpoint.startswith("operator"), {"operator.sign_out"}, NAME
    )


@bp.route("/sign-in/verify", methods=["GET", "POST"])
def verify() -> ResponseReturnValue:
    return factor_pages.verify("operator", None, _render, "operator.sign_in", NAME)


@bp.get("/security")
@operator_required
def index() -> ResponseReturnValue:
    return factor_pages.manage(current_user._get_current_object(), _render, NAME, None)


@bp.route("/security/authenticator", methods=["GET", "POST"])
@operator_required
def enrol() -> ResponseReturnValue:
    return factor_pages.enrol(current_user._get_current_object(), _render, NAME, "Foyer operator")


@bp.post("/security/recovery-codes")
@operator_required
def recovery_codes() -> ResponseReturnValue:
    return factor_pages.new_codes(current_user._get_current_object(), _render, NAME)


@bp.route("/security/authenticator/remove", methods=["GET", "POST"])
@operator_required
def remove() -> ResponseReturnValue:
    return factor_pages.remove(current_user._get_current_object(), _render, NAME, None)
