"""Each module's blueprint carries a guard: a module the tenant switched off answers 404."""

from __future__ import annotations

from flask import Blueprint, abort, g

from portal.modules.service import is_enabled


def module_blueprint(key: str, import_name: str) -> Blueprint:
    """The module's blueprint, created at import time with its 404 guard attached."""
    bp = Blueprint(key, import_name, url_prefix=f"/{key}")

    @bp.before_request
    def _guard() -> None:
        tenant = g.get("tenant")
        if tenant is None or not is_enabled(tenant.id, key):
            abort(404)

    return bp
