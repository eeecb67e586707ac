"""The staff workspace's navigation, as data: groups of links the layout renders.

An item appears only when its endpoint exists (areas land independently: a page shows up in
the menu when its blueprint is registered) and the signed-in staff member holds its
permission. The current page is the item whose endpoint answers this request, else the first
item of the same blueprint (an account page highlights "Clients"), else one whose `also`
prefixes match.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_login import current_user


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    endpoint: str
    # None: every staff member. Otherwise a name `permitted()` checks (roles decide).
    permission: str | None = None
    # Other endpoints (or "blueprint." prefixes) whose pages highlight this item.
    also: tuple[str, ...] = ()

    @property
    def blueprint(self) -> str:
        return self.endpoint.partition(".")[0]


@dataclass(frozen=True, slots=True)
class NavGroup:
    label: str
    items: tuple[NavItem, ...]


@dataclass(frozen=True, slots=True)
class NavLink:
    """One item as rendered for this request."""

    label: str
    url: str
    current: bool


@dataclass(frozen=True, slots=True)
class NavSection:
    label: str
    links: tuple[NavLink, ...]


SETTINGS = "settings"
TEAM = "team"
AUDIT = "audit"

FIRM_NAV: tuple[NavGroup, ...] = (
    NavGroup(
        "Home",
        (
            NavItem("Dashboard", "admin_firm.dashboard"),
            NavItem("Your profile", "admin_profile.index"),
        ),
    ),
    NavGroup(
        "Clients",
        (
            NavItem("Clients", "admin_clients.index", also=("admin_records.", "admin_preview.")),
            NavItem("Pending activation", "admin_clients.pending"),
            NavItem("Sign-ups", "admin_clients.signups"),
        ),
    ),
    NavGroup(
        "Inbox & Requests",
        (
            NavItem("Inbox", "admin_inbox.index", also=("admin_messages.",)),
            NavItem("Requests", "admin_requests.index"),
        ),
    ),
    NavGroup("Files", (NavItem("Files", "admin_files.index"),)),
    NavGroup("Documents", (NavItem("Documents", "admin_documents.index"),)),
    NavGroup(
        "Community",
        (
            NavItem("Groups", "admin_community.index", "clients"),
            NavItem("Reports", "admin_community.reports", "clients"),
        ),
    ),
    NavGroup(
        "Courses",
        (NavItem("Courses", "admin_courses.index", "clients", also=("admin_courses.",)),),
    ),
    NavGroup(
        "Billing",
        (
            NavItem("Invoices", "admin_invoices.index", "clients", also=("admin_invoices.",)),
            NavItem("Billing settings", "admin_invoices.settings", SETTINGS),
            NavItem("Invoice emails", "admin_invoice_email.settings", SETTINGS),
            NavItem("Payments", "admin_payments.index", "clients"),
            NavItem("Payment settings", "admin_payments.settings", SETTINGS),
            NavItem("Referrals", "admin_referrals.index", "clients", also=("admin_referrals.",)),
        ),
    ),
    NavGroup(
        "Settings",
        (
            NavItem("Portal settings", "admin_settings.portal_settings", SETTINGS),
            NavItem("Invites", "admin_settings.invites", SETTINGS),
            NavItem("Languages", "admin_languages.index", SETTINGS),
            NavItem("Branding", "admin_branding.edit", SETTINGS),
            NavItem("Modules", "admin_modules.index", SETTINGS),
            NavItem("Domains", "admin_domains.index", SETTINGS),
            NavItem("Mail domains", "admin_mail_domains.index", SETTINGS),
            NavItem("Team", "admin_team.index", TEAM),
            NavItem("Audit log", "admin_audit.index", AUDIT),
            NavItem("Email templates", "admin_templates.index", SETTINGS),
            NavItem("API tokens", "admin_api_tokens.index", SETTINGS),
            NavItem("Webhooks", "admin_webhooks.index", SETTINGS),
            # Personal pages (any teammate) first: admin_security pages off the menu match it.
            NavItem("Your sign-in security", "admin_security.index"),
            NavItem("Security", "admin_security.settings", SETTINGS),
        ),
    ),
)

OPERATOR_NAV: tuple[NavGroup, ...] = (
    NavGroup(
        "Operator",
        (
            NavItem(
                "Tenants",
                "operator.index",
                also=(
                    "operator_tenants.index",
                    "operator_tenants.detail",
                    "operator_tenants.suspend",
                    "operator_tenants.delete",
                ),
            ),
            NavItem("New tenant", "operator.new_tenant"),
            NavItem("Health", "operator_health.index"),
            NavItem("API tokens", "operator_api_tokens.index"),
            NavItem("Mailbox", "operator.mailbox", also=("operator.message",)),
            NavItem("Sign-in security", "operator_security.index"),
        ),
    ),
)


def _default_permitted(user: Any, permission: str) -> bool:
    """Until roles say more: a `can(permission)` method on the user decides if it has one;
    otherwise the settings right covers every restricted item."""
    can = getattr(user, "can", None)
    if callable(can):
        return bool(can(permission))
    return bool(getattr(user, "can_manage_settings", False))


_permission_check: Callable[[Any, str], bool] = _default_permitted


def set_permission_check(check: Callable[[Any, str], bool]) -> None:
    """Let the roles code decide who sees a restricted item (called once at start-up)."""
    global _permission_check
    _permission_check = check


def permitted(user: Any, permission: str | None) -> bool:
    return permission is None or _permission_check(user, permission)


def visible_items(groups: tuple[NavGroup, ...], user: Any) -> list[tuple[NavGroup, list[NavItem]]]:
    """Groups with the items this user may open and whose page exists; empty groups dropped."""
    views = current_app.view_functions
    result = []
    for group in groups:
        items = [i for i in group.items if i.endpoint in views and permitted(user, i.permission)]
        if items:
            result.append((group, items))
    return result


def current_item(items: list[NavItem], endpoint: str | None) -> NavItem | None:
    if not endpoint:
        return None
    for item in items:
        if item.endpoint == endpoint:
            return item
    blueprint = endpoint.partition(".")[0]
    for item in items:
        if item.blueprint == blueprint:
            return item
    for item in items:
        if any(endpoint == a or (a.endswith(".") and endpoint.startswith(a)) for a in item.also):
            return item
    return None


def build(groups: tuple[NavGroup, ...]) -> tuple[NavSection, ...]:
    """The navigation for this request: visible groups, URLs, the current page marked."""
    shown = visible_items(groups, current_user)
    current = current_item([i for _, items in shown for i in items], request.endpoint)
    return tuple(
        NavSection(
            group.label,
            tuple(NavLink(i.label, url_for(i.endpoint), i is current) for i in items),
        )
        for group, items in shown
    )


def current_label(groups: tuple[NavGroup, ...]) -> str:
    """The label of the page being shown, for its default title ("" off the menu)."""
    shown = [i for _, items in visible_items(groups, current_user) for i in items]
    item = current_item(shown, request.endpoint)
    return item.label if item is not None and item.endpoint == request.endpoint else ""


def without_keys(values: dict[str, Any], *keys: str) -> dict[str, Any]:
    """Query arguments minus some (`args.to_dict()|reject_keys('page')` for a new filter)."""
    return {key: value for key, value in values.items() if key not in keys}


def init_app(app: Flask) -> None:
    app.jinja_env.filters["reject_keys"] = without_keys
    app.jinja_env.globals.update(
        view_endpoints=lambda: current_app.view_functions,
        workspace_nav=lambda: build(FIRM_NAV),
        operator_nav=lambda: build(OPERATOR_NAV),
        nav_page_label=lambda: current_label(FIRM_NAV),
        operator_page_label=lambda: current_label(OPERATOR_NAV),
        nav_permitted=lambda permission: permitted(current_user, permission),
    )
