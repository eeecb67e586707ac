"""The client's History: one timeline of everything that happened with the current account."""

from __future__ import annotations

from portal.web.modules.blueprints import module_blueprint
from portal.web.modules.pages import render_module_page
from portal.web.session import client_required

bp = module_blueprint("history", __name__)


@bp.get("/", endpoint="index")
@client_required
def index() -> str:
    return render_module_page("history")
