"""Domain: tenant branding as template data: colours become CSS custom properties, images URLs.

Every value reaching a template is validated here again (defence in depth): a colour that is
not `#rrggbb` falls back to the default, image keys are server-generated names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import url_for

from portal.branding.colors import is_hex_color, readable_on, text_on
from tenants.context import tenant_url

DEFAULT_BRAND = "#1f4e79"
DEFAULT_ACCENT = "#e8eef5"
IMAGE_KINDS = ("logo", "login", "favicon")
IMAGE_NAME = re.compile(r"^(logo|login|favicon)-[0-9a-f]{64}\.png$")
# The sizes pages show brand images at, twice over for high-density screens: width → the box
# the image is shrunk into. The logo is at most 12rem × 3rem; the login image fills a side panel
# (default theme) or the whole screen (Harbor), so it comes small for phones and large otherwise.
LOGO_WIDTH = 384
LOGIN_SMALL_WIDTH = 800
LOGIN_LARGE_WIDTH = 1600
IMAGE_SIZES: dict[str, dict[int, tuple[int, int]]] = {
    "logo": {LOGO_WIDTH: (384, 96)},
    "login": {LOGIN_SMALL_WIDTH: (800, 1400), LOGIN_LARGE_WIDTH: (1600, 1600)},
    "favicon": {},
}


@dataclass(frozen=True, slots=True)
class Branding:
    color: str
    text_color: str
    link_color: str
    accent: str
    accent_text: str
    portal_name: str
    support_email: str
    logo_url: str
    login_image_url: str
    login_image_small_url: str
    favicon_url: str

    @property
    def css(self) -> str:
        """Only validated hex values: safe inside a <style> element."""
        return (
            f":root{{--brand:{self.color};--brand-contrast:{self.text_color};"
            f"--accent:{self.accent};--accent-contrast:{self.accent_text};"
            f"--brand-text:{self.link_color}}}"
        )


def image_key(tenant_id: int, name: str) -> str:
    return f"tenants/{tenant_id}/{name}"


def image_name(kind: str, digest: str) -> str:
    return f"{kind}-{digest}.png"


def sized_image_key(tenant_id: int, name: str, width: int) -> str:
    """Where the resized copy of a brand image is kept, derived from the original's key."""
    return f"tenants/{tenant_id}/w{width}/{name}"


def image_box(name: str, width: int) -> tuple[int, int] | None:
    """The box of one of the offered sizes of this image, None for any other width."""
    return IMAGE_SIZES.get(name.partition("-")[0], {}).get(width)


def branding(tenant: Any, external: bool = False) -> Branding:
    """The branding of a tenant snapshot (or anything with the same attributes)."""
    color = getattr(tenant, "brand_color", "")
    color = color if is_hex_color(color) else DEFAULT_BRAND
    accent = getattr(tenant, "accent_color", "")
    accent = accent if is_hex_color(accent) else DEFAULT_ACCENT

    def url(name: str, width: int | None = None) -> str:
        if not name or not IMAGE_NAME.match(name):
            return ""
        sized: dict[str, Any] = {"w": width} if width else {}
        if external:
            host = getattr(tenant, "canonical_host", "")
            return tenant_url(host, "branding.image", name=name, **sized) if host else ""
        return url_for("branding.image", name=name, **sized)

    return Branding(
        color=color,
        text_color=text_on(color).text,
        link_color=readable_on(color),
        accent=accent,
        accent_text=text_on(accent).text,
        portal_name=(getattr(tenant, "portal_name", "") or tenant.name),
        support_email=getattr(tenant, "support_email", "") or "",
        logo_url=url(getattr(tenant, "logo_key", ""), LOGO_WIDTH),
        login_image_url=url(getattr(tenant, "login_image_key", ""), LOGIN_LARGE_WIDTH),
        login_image_small_url=url(getattr(tenant, "login_image_key", ""), LOGIN_SMALL_WIDTH),
        favicon_url=url(getattr(tenant, "favicon_key", "")),
    )
