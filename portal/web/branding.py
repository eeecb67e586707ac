"""Serving a tenant's brand images on its own hosts, and the branding every page renders with."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, g
from flask.typing import ResponseReturnValue

from portal.branding import IMAGE_NAME, branding, image_key
from portal.core.storage import storage

IMMUTABLE = "public, max-age=31536000, immutable"

bp = Blueprint("branding", __name__)


def _page_branding() -> dict[str, Any]:
    tenant = g.get("brand_tenant") or g.get("tenant")
    return {"brand": branding(tenant)} if tenant is not None else {}


@bp.get("/_brand/<name>")
def image(name: str) -> ResponseReturnValue:
    """A tenant's image, only on its own hosts; the content hash in the name makes it immutable."""
    tenant = g.get("tenant")
    if tenant is None or not IMAGE_NAME.match(name):
        abort(404)
    data = storage().get(image_key(tenant.id, name))
    if data is None:
        abort(404)
    return (
        data,
        200,
        {
            "Content-Type": "image/png",
            "Cache-Control": IMMUTABLE,
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="{name}"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["branding"] = branding
    app.context_processor(_page_branding)
