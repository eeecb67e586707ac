from __future__ import annotations

from portal.access.session import client_required
from portal.modules.pages import render_module_page
from portal.modules.registry import module_blueprint

bp = module_blueprint("messages", __name__)


@bp.get("/")
@client_required
def index():  # type: ignore[no-untyped-def]
    return render_module_page("messages")
