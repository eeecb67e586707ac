"""The client portal's home on a tenant host."""

from __future__ import annotations

from flask import Blueprint, g, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from portal.auth.principals import PrincipalKind
from portal.billing import waiting as invoices
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.core.waiting import WaitingItem, run_parts
from portal.documents import service as documents
from portal.messaging import waiting as messages
from portal.messaging.welcome import deliver_welcome
from portal.modules.service import is_enabled
from portal.web.modules.nav import count_parts, remember_counts
from portal.web.session import client_required
from tenants.context import current_tenant
from themes.loader import render_themed

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    if g.get("tenant") is None:
        return redirect(url_for("operator.index"))
    if getattr(current_user, "kind", None) == PrincipalKind.STAFF:
        return staff_home()
    return home()


def staff_home() -> str:
    """Staff opening the portal (the address the demo prints) get a way to their dashboard,
    never client data and never a bare 404."""
    return render_themed(
        current_tenant.theme,
        "portal/staff_home.html",
        staff_name=current_user.display_name,
        dashboard_url=url_for("admin_firm.dashboard"),
    )


@client_required
def home() -> str:
    """The signed-in client's start page; the firm's welcome message shows on the first visit."""
    contact = current_user._get_current_object()
    # A staff preview (portal/web/previewing.py) writes nothing: no welcome is used up.
    show_welcome = contact.welcomed_at is None and g.get("preview") is None
    if show_welcome and is_enabled(current_tenant.id, "messages"):
        show_welcome = False  # it arrives as the first message of a "Welcome" thread instead
        deliver_welcome(current_tenant, contact.id, g.account.id)
        db.session.commit()
    if show_welcome:
        contact.welcomed_at = utcnow()
        db.session.commit()
    return render_themed(
        current_tenant.theme,
        "portal/home.html",
        show_welcome=show_welcome,
        can_request=is_enabled(current_tenant.id, "requests"),
        waiting=waiting_items(contact.id),
        accounts=g.accounts,
        account=g.account,
    )


def waiting_items(contact_id: int) -> list[WaitingItem]:
    """ "Waiting for you": what every module wants from the client in this account, dated
    items first by due date, then the newest. One statement for every module, with the
    menu's and the bell's counts."""
    account_id = g.account.id
    parts = {"document": documents.waiting_part()} | messages.waiting_parts(current_tenant)
    invoices_on = is_enabled(current_tenant.id, "invoices")
    if invoices_on:
        parts["invoice"] = invoices.waiting_part()
    parts |= count_parts(current_tenant.id)
    rows = run_parts(parts, current_tenant.id, account_id, contact_id)
    remember_counts(rows)
    items = documents.waiting_items(rows["document"])
    items += messages.waiting_items(current_tenant, rows)
    if invoices_on:
        items += invoices.waiting_items(rows["invoice"])
    newest_first = sorted(items, key=lambda item: item.since, reverse=True)
    return sorted(newest_first, key=lambda item: (item.due is None, item.due or item.since))


@bp.get("/robots.txt")
def robots() -> ResponseReturnValue:
    """Client portals are private: ask crawlers to stay out of every tenant host."""
    return "User-agent: *\nDisallow: /\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
