"""An operator's own second factor and passkeys: the verify step after the password, passkey
sign-in, and the enrolment every operator must complete (REQUIRE_OPERATOR_2FA, default on)
before using the console."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from admin.access import operator_required
from portal.auth import factor_pages

bp = Blueprint("operator_security", __name__, url_prefix="/operator")
NAME = "operator_security"


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    page = render_template(
        f"admin/security/{template}", layout="admin/operator/layout.html", **context
    )
    return page, status


AREA = factor_pages.Area(
    name=NAME,
    kind="operator",
    render=_render,
    guard=operator_required,
    sign_in_endpoint="operator.sign_in",
    landing_endpoint="operator.index",
    tenant=lambda: None,
    issuer=lambda: "Foyer operator",
    emailed_unlock=False,
)
factor_pages.add_routes(bp, AREA)


@bp.before_app_request
def _enrol_first() -> Any:
    return factor_pages.enrol_first(
        lambda endpoint: endpoint.startswith("operator"), {"operator.sign_out"}, NAME
    )
