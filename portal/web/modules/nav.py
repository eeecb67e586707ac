"""The client's navigation: Home, then the tenant's enabled modules in its order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from flask import g, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import Row, Select

from portal.core.i18n import current_locale
from portal.core.waiting import run_parts
from portal.messaging.waiting import unread_threads_part
from portal.modules.models import LinkMode
from portal.modules.service import is_enabled, link_views, tenant_modules
from portal.notifications.service import unread_part
from portal.referrals.models import ReferralSettings
from portal.referrals.programme import is_running
from tenants.resolution import tenant_memo, watch_settings
from themes import theme_static

# The menu shows Referrals only while the programme runs; that flag is cached with the tenant.
watch_settings(ReferralSettings)


@dataclass(frozen=True, slots=True)
class NavItem:
    key: str
    title: str
    icon: str
    url: str
    external: bool = False
    current: bool = False
    badge: int = 0  # unread conversations on Messages
    icon_url: str = ""


@dataclass(frozen=True, slots=True)
class ClientCounts:
    """The badges of a client's page: unread conversations (Messages) and notifications."""

    threads: int = 0
    notifications: int = 0


def nav_items(tenant_id: int) -> list[NavItem]:
    """The client's navigation: Home, then enabled modules; the link module adds its entries.
    The menu itself is kept with the tenant per language (bench.request_profile --page home:
    building it, with its URLs and icons, was a third of the page's time); only the current
    page and the Messages badge are this request's."""
    current = request.blueprint if request else None
    menu = tenant_memo(("client menu", tenant_id, current_locale()), lambda: _menu(tenant_id))
    return [
        replace(
            item,
            current=item.key == current,
            badge=client_counts().threads if item.key == "messages" else 0,
        )
        if item.key in (current, "messages")
        else item
        for item in menu
    ]


def _menu(tenant_id: int) -> tuple[NavItem, ...]:
    theme = g.tenant.theme

    def item(key: str, title: str, icon: str, url: str, external: bool = False) -> NavItem:
        icon_url = theme_static(theme, f"icons/{icon}.svg")
        return NavItem(key, title, icon, url, external, icon_url=icon_url)

    items = [item("home", gettext("Home"), "home", url_for("home.index"))]
    for module in tenant_modules(tenant_id):
        if not module.enabled:
            continue
        if module.key == "referrals" and not _referrals_running(tenant_id):
            continue  # a firm without a referral programme shows no Referrals
        if module.key == "links":
            for link in link_views(tenant_id):
                external = link.mode != LinkMode.EMBED
                url = link.url if external else url_for("links.show", link_id=link.id)
                items.append(item(f"link-{link.id}", link.title, module.icon, url, external))
            continue
        items.append(item(module.key, module.title, module.icon, url_for(module.spec.endpoint)))
    return tuple(items)


def _referrals_running(tenant_id: int) -> bool:
    return tenant_memo(("referrals running", tenant_id), lambda: is_running(tenant_id))


def count_parts(tenant_id: int) -> dict[str, Select[Any]]:
    """The signed-in client's badge and bell counts as parts of one statement (core.waiting):
    the home runs them with its "waiting" parts, other pages on their own."""
    if getattr(current_user, "kind", None) != "client":
        return {}
    parts = {"unread notifications": unread_part("client")}
    if g.get("account") is not None and is_enabled(tenant_id, "messages"):
        parts["unread threads"] = unread_threads_part()
    return parts


def remember_counts(rows: Mapping[str, Sequence[Row[Any]]]) -> ClientCounts:
    """Keep the counts a page's combined statement returned, for the menu and the bell."""
    threads = rows.get("unread threads") or ()
    notifications = rows.get("unread notifications") or ()
    g.client_counts = ClientCounts(
        threads=int(threads[0].number or 0) if threads else 0,
        notifications=int(notifications[0].number or 0) if notifications else 0,
    )
    return g.client_counts


def client_counts() -> ClientCounts:
    """This request's counts: from the page's combined statement, or one statement now."""
    counts = g.get("client_counts")
    if counts is None:
        tenant = g.get("tenant")
        parts = count_parts(tenant.id) if tenant is not None else {}
        account = g.get("account")
        ids = (
            (tenant.id, account.id if account is not None else 0, current_user.id) if parts else ()
        )
        counts = remember_counts(run_parts(parts, *ids)) if parts else ClientCounts()
        g.client_counts = counts
    return counts
