"""Serving a tenant's brand images on its own hosts, and the branding every page renders with."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, g, request
from flask.typing import ResponseReturnValue

from portal.branding import IMAGE_NAME, branding, image_box, image_key, sized_image_key
from portal.branding.images import fit_image
from portal.core.storage import storage

IMMUTABLE = "public, max-age=31536000, immutable"

bp = Blueprint("branding", __name__)


def _page_branding() -> dict[str, Any]:
    tenant = g.get("brand_tenant") or g.get("tenant")
    return {"brand": branding(tenant)} if tenant is not None else {}


@bp.get("/_brand/<name>")
def image(name: str) -> ResponseReturnValue:
    """A tenant's image, only on its own hosts; the content hash in the name makes it immutable.

    `?w=` asks for one of the sizes pages show it at (`IMAGE_SIZES`): made once with Pillow and
    kept in storage next to the original, so later requests only read it."""
    tenant = g.get("tenant")
    if tenant is None or not IMAGE_NAME.match(name):
        abort(404)
    asked = request.args.get("w")
    width = int(asked) if asked and asked.isdigit() and len(asked) < 6 else None
    box = image_box(name, width) if width is not None else None
    if asked is not None and box is None:
        abort(404)
    etag = f'"{name[:-4]}-{width or 0}"'
    if etag in request.headers.get("If-None-Match", ""):
        return "", 304, {"ETag": etag, "Cache-Control": IMMUTABLE}
    data = _image_data(tenant.id, name, width, box)
    if data is None:
        abort(404)
    return (
        data,
        200,
        {
            "Content-Type": "image/png",
            "Cache-Control": IMMUTABLE,
            "ETag": etag,
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="{name}"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


def _image_data(
    tenant_id: int, name: str, width: int | None, box: tuple[int, int] | None
) -> bytes | None:
    if width is None or box is None:
        return storage().get(image_key(tenant_id, name))
    key = sized_image_key(tenant_id, name, width)
    data = storage().get(key)
    if data is None:
        original = storage().get(image_key(tenant_id, name))
        if original is None:
            return None
        data = fit_image(original, box)
        storage().put(key, data)
    return data


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["branding"] = branding
    app.context_processor(_page_branding)
