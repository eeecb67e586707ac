"""The client's navigation: Home, then the tenant's enabled modules in its order."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, request, url_for
from flask_babel import gettext
from flask_login import current_user

from portal.messaging.threads import unread_for_client
from portal.modules.models import LinkMode
from portal.modules.service import links_of, tenant_modules
from portal.referrals.programme import is_running


@dataclass(frozen=True, slots=True)
class NavItem:
    key: str
    title: str
    icon: str
    url: str
    external: bool = False
    current: bool = False
    badge: int = 0  # unread conversations on Messages


def nav_items(tenant_id: int) -> list[NavItem]:
    """The client's navigation: Home, then enabled modules; the link module adds its entries."""
    current = request.blueprint if request else None
    items = [
        NavItem("home", gettext("Home"), "home", url_for("home.index"), current=current == "home")
    ]
    for module in tenant_modules(tenant_id):
        if not module.enabled:
            continue
        if module.key == "referrals" and not is_running(tenant_id):
            continue  # a firm without a referral programme shows no Referrals
        if module.key == "links":
            for link in links_of(tenant_id):
                external = link.mode != LinkMode.EMBED
                url = link.url if external else url_for("links.show", link_id=link.id)
                items.append(NavItem(f"link-{link.id}", link.title, module.icon, url, external))
            continue
        items.append(
            NavItem(
                module.key,
                module.title,
                module.icon,
                url_for(module.spec.endpoint),
                current=current == module.key,
                badge=_badge(tenant_id, module.key),
            )
        )
    return items


def _badge(tenant_id: int, key: str) -> int:
    """The signed-in client's unread conversations in their current account (one query)."""
    account = g.get("account")
    if key != "messages" or account is None or getattr(current_user, "kind", None) != "client":
        return 0
    return unread_for_client(tenant_id, account.id, current_user.id)
