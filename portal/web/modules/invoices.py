"""The client's Invoices: the current account's invoices, their PDFs and its payment history."""

from __future__ import annotations

from portal.billing import models as _models  # noqa: F401  (the billing tables)
from portal.web.modules.blueprints import module_blueprint
from portal.web.modules.pages import render_module_page
from portal.web.session import client_required

bp = module_blueprint("invoices", __name__)


@bp.get("/", endpoint="index")
@client_required
def index() -> str:
    return render_module_page("invoices")
