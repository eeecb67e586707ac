"""The client portal's entry pages on a tenant host."""

from __future__ import annotations

from flask import Blueprint, Flask, g, redirect, url_for

from tenants.context import current_tenant
from themes.loader import render_themed

bp = Blueprint("portal", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.context_processor(lambda: {"tenant": g.get("tenant")})


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    if g.get("tenant") is None:
        return redirect(url_for("operator.index"))
    return render_themed(current_tenant.theme, "portal/index.html")


@bp.get("/robots.txt")
def robots():  # type: ignore[no-untyped-def]
    """Client portals are private: ask crawlers to stay out of every tenant host."""
    return "User-agent: *\nDisallow: /\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
