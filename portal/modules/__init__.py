"""Client portal modules, discovered from this one tuple (no scanning, no signals)."""

from __future__ import annotations

from flask import Flask

from portal.modules import files, help, invoices, links, messages, requests
from portal.modules import models as models  # noqa: F401  (tables for Alembic and create_all)
from portal.modules.registry import ModuleSpec

ALL_MODULES: tuple[ModuleSpec, ...] = tuple(
    sorted(
        (messages.SPEC, requests.SPEC, files.SPEC, invoices.SPEC, help.SPEC, links.SPEC),
        key=lambda spec: spec.order,
    )
)


def init_app(app: Flask) -> None:
    from portal.modules.service import nav_items

    for spec in ALL_MODULES:
        app.register_blueprint(spec.blueprint)
    app.jinja_env.globals["portal_nav"] = nav_items
