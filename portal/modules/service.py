"""Per-tenant module settings merged with the registry: enabled state, labels, icons, order."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import g
from flask_babel import get_locale, gettext

from portal.core.errors import UserError
from portal.core.extensions import db
from portal.modules.models import ModuleLink, TenantModule
from portal.modules.registry import ALL_MODULES, ICONS, ModuleSpec
from tenants.resolution import forget_tenant_memos, tenant_memo, watch_settings
from tenants.scoping import owned

# Saving either invalidates the tenant cache, which holds the menu built from them below.
watch_settings(TenantModule, ModuleLink)


@dataclass(frozen=True, slots=True)
class LinkView:
    """A firm's link as the client menu and Links page show it (plain data: it is cached)."""

    id: int
    title: str
    url: str
    mode: str


@dataclass(frozen=True, slots=True)
class TenantModuleView:
    spec: ModuleSpec
    enabled: bool
    title: str
    icon: str
    position: int

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def empty_text(self) -> str:
        """In the reader's language, with "{account}" left for the page to fill in."""
        return gettext(self.spec.empty_text)


def _overrides(tenant_id: int) -> dict[str, TenantModule]:
    cache = g.setdefault("module_overrides", {})
    if tenant_id not in cache:
        rows = db.session.scalars(owned(TenantModule, tenant_id))
        cache[tenant_id] = {row.key: row for row in rows}
    return cache[tenant_id]


def forget_module_cache() -> None:
    g.pop("module_overrides", None)
    forget_tenant_memos()


def tenant_modules(tenant_id: int) -> list[TenantModuleView]:
    """Every registry module with the tenant's overrides, in the tenant's order: built once per
    tenant and language until the settings change (every page's menu asks, several times)."""
    locale = str(get_locale() or "")
    return list(tenant_memo(("modules", tenant_id, locale), lambda: _views(tenant_id)))


def _views(tenant_id: int) -> tuple[TenantModuleView, ...]:
    overrides = _overrides(tenant_id)
    views = []
    for spec in ALL_MODULES:
        row = overrides.get(spec.key)
        icon = row.icon if row is not None and row.icon in ICONS else spec.icon
        views.append(
            TenantModuleView(
                spec=spec,
                enabled=row.enabled if row is not None else True,
                # A firm's own title stays as written; the default one is translated.
                title=(row.title.strip() if row is not None else "") or gettext(spec.title),
                icon=icon,
                position=row.position if row is not None and row.position else spec.order,
            )
        )
    return tuple(sorted(views, key=lambda v: (v.position, v.spec.order)))


def module_view(tenant_id: int, key: str) -> TenantModuleView | None:
    return next((m for m in tenant_modules(tenant_id) if m.key == key), None)


def is_enabled(tenant_id: int, key: str) -> bool:
    module = module_view(tenant_id, key)
    return module is not None and module.enabled


def links_of(tenant_id: int) -> list[ModuleLink]:
    """The rows, for the settings page that edits them."""
    return list(
        db.session.scalars(
            owned(ModuleLink, tenant_id).order_by(ModuleLink.position, ModuleLink.id)
        )
    )


def link_views(tenant_id: int) -> list[LinkView]:
    """The firm's links for the client's menu and Links page, cached like the modules."""
    return list(tenant_memo(("links", tenant_id), lambda: _link_views(tenant_id)))


def _link_views(tenant_id: int) -> tuple[LinkView, ...]:
    return tuple(LinkView(link.id, link.title, link.url, link.mode) for link in links_of(tenant_id))


def save_order(tenant_id: int, keys: list[str]) -> None:
    """Write positions (10, 20, ...) for the given order, creating override rows as needed."""
    overrides = _overrides(tenant_id)
    for index, key in enumerate(keys, start=1):
        row = overrides.get(key)
        if row is None:
            row = TenantModule(tenant_id=tenant_id, key=key, enabled=True, title="", icon="")
            db.session.add(row)
            overrides[key] = row
        row.position = index * 10


def override_row(tenant_id: int, key: str) -> TenantModule:
    overrides = _overrides(tenant_id)
    row = overrides.get(key)
    if row is None:
        row = TenantModule(tenant_id=tenant_id, key=key, enabled=True, title="", icon="")
        db.session.add(row)
        overrides[key] = row
    return row


def validate_link_url(raw: str) -> str:
    """http(s) URLs with a host only: no javascript:, data:, credentials or control characters."""
    url = (raw or "").strip()
    if not url or len(url) > 2000:
        raise UserError("Enter a web address of at most 2000 characters.")
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        raise UserError("The web address must not contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise UserError("That is not a valid web address.") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise UserError("Only http:// and https:// addresses are allowed.")
    if not host or parts.username is not None or parts.password is not None:
        raise UserError("The address needs a host name and must not contain a password.")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and (address.is_private or address.is_loopback):
        raise UserError("Links to private network addresses are not allowed.")
    return url
