"""Domain: tenant branding as template data: colours become CSS custom properties, images URLs.

Every value reaching a template is validated here again (defence in depth): a colour that is
not `#rrggbb` falls back to the default, image keys are server-generated names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import url_for

from portal.branding.colors import is_hex_color, text_on
from tenants.context import tenant_url

DEFAULT_BRAND = "#1f4e79"
DEFAULT_ACCENT = "#e8eef5"
IMAGE_KINDS = ("logo", "login", "favicon")
IMAGE_NAME = re.compile(r"^(logo|login|favicon)-[0-9a-f]{64}\.png$")


@dataclass(frozen=True, slots=True)
class Branding:
    color: str
    text_color: str
    accent: str
    accent_text: str
    portal_name: str
    support_email: str
    logo_url: str
    login_image_url: str
    favicon_url: str

    @property
    def css(self) -> str:
        """Only validated hex values: safe inside a <style> element."""
        return (
            f":root{{--brand:{self.color};--brand-contrast:{self.text_color};"
            f"--accent:{self.accent};--accent-contrast:{self.accent_text}}}"
        )


def image_key(tenant_id: int, name: str) -> str:
    return f"tenants/{tenant_id}/{name}"


def image_name(kind: str, digest: str) -> str:
    return f"{kind}-{digest}.png"


def branding(tenant: Any, external: bool = False) -> Branding:
    """The branding of a tenant snapshot (or anything with the same attributes)."""
    color = getattr(tenant, "brand_color", "")
    color = color if is_hex_color(color) else DEFAULT_BRAND
    accent = getattr(tenant, "accent_color", "")
    accent = accent if is_hex_color(accent) else DEFAULT_ACCENT

    def url(name: str) -> str:
        if not name or not IMAGE_NAME.match(name):
            return ""
        if external:
            host = getattr(tenant, "canonical_host", "")
            return tenant_url(host, "branding.image", name=name) if host else ""
        return url_for("branding.image", name=name)

    return Branding(
        color=color,
        text_color=text_on(color).text,
        accent=accent,
        accent_text=text_on(accent).text,
        portal_name=(getattr(tenant, "portal_name", "") or tenant.name),
        support_email=getattr(tenant, "support_email", "") or "",
        logo_url=url(getattr(tenant, "logo_key", "")),
        login_image_url=url(getattr(tenant, "login_image_key", "")),
        favicon_url=url(getattr(tenant, "favicon_key", "")),
    )
