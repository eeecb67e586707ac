"""The module registry's building blocks: a spec per module and a guarded blueprint helper.

A new module is one package `portal/modules/<key>/` (SPEC + views.bp) plus one line in
`portal/modules/__init__.py::ALL_MODULES`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, g

# The bundled icon set: themes/default/static/icons/<name>.svg
ICONS: tuple[str, ...] = (
    "chat",
    "inbox",
    "folder",
    "file",
    "receipt",
    "help",
    "link",
    "calendar",
    "star",
    "chart",
    "user",
    "shield",
    "home",
    "globe",
)


@dataclass(frozen=True, slots=True)
class ModuleSpec:
    key: str
    title: str
    icon: str
    order: int
    endpoint: str
    blueprint: Blueprint
    empty_text: str = "Nothing here yet."


def module_blueprint(key: str, import_name: str) -> Blueprint:
    """The module's blueprint, created at import time with its 404 guard attached."""
    bp = Blueprint(key, import_name, url_prefix=f"/{key}")

    @bp.before_request
    def _guard() -> None:
        from portal.modules.service import is_enabled

        tenant = g.get("tenant")
        if tenant is None or not is_enabled(tenant.id, key):
            abort(404)

    return bp
