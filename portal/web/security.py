"""A client's own second factor and passkeys: optional, set up from the Security page; once set
up it is asked for after the password (or a recovery code, or the emailed unlock link after a
lockout). Passkeys only when the firm allows them (Settings › Security)."""

from __future__ import annotations

from flask import Blueprint

from portal.auth import factor_pages
from portal.web.session import client_required
from tenants.context import current_tenant
from themes.loader import render_themed

bp = Blueprint("client_security", __name__)


def _render(template: str, status: int = 200, **context: object) -> tuple[str, int]:
    return render_themed(current_tenant.theme, f"portal/security/{template}", **context), status


AREA = factor_pages.Area(
    name="client_security",
    kind="client",
    render=_render,
    guard=client_required,
    sign_in_endpoint="access.sign_in",
    landing_endpoint="home.index",
    tenant=lambda: current_tenant,
    issuer=lambda: str(current_tenant.name),
)
factor_pages.add_routes(bp, AREA)
