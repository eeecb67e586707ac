"""Modules whose pages are not built yet: each shows its empty state inside the portal layout."""

from __future__ import annotations

from flask import Blueprint

from portal.web.modules.blueprints import module_blueprint
from portal.web.modules.pages import render_module_page
from portal.web.session import client_required


def _placeholder(key: str) -> Blueprint:
    bp = module_blueprint(key, __name__)

    @bp.get("/", endpoint="index")
    @client_required
    def index() -> str:
        return render_module_page(key)

    return bp


help = _placeholder("help")
