from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TenantSnapshot:
    """What a request needs to know about its tenant; immutable, safe to cache across requests."""

    id: int
    slug: str
    name: str
    theme: str
    signup_mode: str
    canonical_host: str
    welcome_message: str
    brand_color: str = "#1f4e79"
    accent_color: str = "#e8eef5"
    portal_name: str = ""
    support_email: str = ""
    logo_key: str = ""
    login_image_key: str = ""
    favicon_key: str = ""
    primary_host: str | None = None  # when chosen, every other host redirects here
