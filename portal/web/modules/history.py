"""The client's History: one timeline of what happened with the current account, filtered by
kind and paginated (one query per page). Only what the client may see elsewhere is listed."""

from __future__ import annotations

from flask import g, request

from portal.core.pagination import page_number, paginate
from portal.history import labels
from portal.history.timeline import as_events, parse_kind, timeline_query, visible_kinds
from portal.modules.service import is_enabled
from portal.web.modules.blueprints import module_blueprint
from portal.web.modules.pages import render_module_page
from portal.web.session import client_required
from tenants.context import current_tenant

bp = module_blueprint("history", __name__)
PER_PAGE = 30


@bp.get("/", endpoint="index")
@client_required
def index() -> str:
    allowed = visible_kinds(lambda key: is_enabled(current_tenant.id, key))
    kind = parse_kind(request.args.get("kind"))
    kind = kind if kind in allowed else None
    query = timeline_query(current_tenant, g.account.id, kind=kind, allowed=allowed)
    page = paginate(query, page_number(request.args), per_page=PER_PAGE)
    return render_module_page(
        "history",
        "portal/history/index.html",
        page=page,
        events=as_events(page.items),
        kind=kind,
        kind_labels={k: labels.KIND_LABELS[k] for k in allowed},
        describe=labels.describe,
        amount_text=labels.amount_text,
        excerpt=labels.excerpt,
    )
