"""Web app manifests (installable portal and dashboard) from the firm's branding, and the
fallback icon: the firm's initial on its brand colour."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from portal.branding import branding
from tenants.snapshot import TenantSnapshot


def manifest(tenant: TenantSnapshot, *, staff: bool, icon_url: str) -> dict[str, Any]:
    brand = branding(tenant)
    name = f"{brand.portal_name} (staff)" if staff else brand.portal_name
    start = "/admin/" if staff else "/"
    icons = [{"src": icon_url, "sizes": "any", "type": "image/svg+xml", "purpose": "any"}]
    if brand.favicon_url:
        icons.insert(0, {"src": brand.favicon_url, "sizes": "192x192", "type": "image/png"})
    return {
        "name": name,
        "short_name": name[:30],
        "id": start,
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "theme_color": brand.color,
        "background_color": "#ffffff",
        "icons": icons,
    }


def icon_svg(tenant: TenantSnapshot) -> str:
    brand = branding(tenant)
    initial = escape((brand.portal_name.strip()[:1] or "F").upper())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">'
        f'<rect width="512" height="512" rx="96" fill="{brand.color}"/>'
        f'<text x="256" y="256" dy=".35em" text-anchor="middle" font-family="Arial, sans-serif" '
        f'font-size="300" font-weight="bold" fill="{brand.text_color}">{initial}</text></svg>'
    )
