"""Staff view of one account's engagement history, linked from the client record: the same
timeline as the client's, plus what only the firm sees (internal files, draft invoices,
hidden community posts)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from admin.access import permission_required
from portal.auth.roles import Permission
from portal.clients.models import ClientAccount
from portal.core.pagination import page_number, paginate
from portal.history import labels
from portal.history.timeline import as_events, parse_kind, timeline_query
from tenants.context import current_tenant
from tenants.scoping import get_owned

bp = Blueprint("admin_history", __name__, url_prefix="/admin/clients")
PER_PAGE = 50


@bp.get("/<int:account_id>/history")
@permission_required(Permission.WORK_WITH_CLIENTS)
def account(account_id: int) -> str:
    client_account = get_owned(ClientAccount, current_tenant, account_id) or abort(404)
    kind = parse_kind(request.args.get("kind"))
    query = timeline_query(current_tenant, client_account.id, kind=kind, staff=True)
    page = paginate(query, page_number(request.args), per_page=PER_PAGE)
    return render_template(
        "admin/history/account.html",
        account=client_account,
        page=page,
        events=as_events(page.items),
        kind=kind,
        kind_labels=labels.KIND_LABELS,
        describe=labels.describe,
        amount_text=labels.amount_text,
        excerpt=labels.excerpt,
    )
