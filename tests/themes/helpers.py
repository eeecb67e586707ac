"""Shared helpers for theme and branding tests: real images built with Pillow."""

from __future__ import annotations

import io

from PIL import Image

from portal.core.extensions import db
from tenants.models import Tenant
from tenants.resolution import forget_tenants


def png_bytes(size: tuple[int, int] = (64, 32), color: str = "#cc3300", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color if mode != "1" else 0).save(out, format="PNG")
    return out.getvalue()


def update_tenant(tenant_id: int, **values: object) -> None:
    tenant = db.session.get(Tenant, tenant_id)
    for name, value in values.items():
        setattr(tenant, name, value)
    db.session.commit()
    forget_tenants()


BRANDING_PAGE = "/admin/settings/branding"


def branding_data(**overrides: object) -> dict[str, object]:
    return {
        "theme": "default",
        "brand_color": "#1f4e79",
        "accent_color": "#e8eef5",
        "portal_name": "",
        "support_email": "",
        "preview_page": "sign-in",
        **overrides,
    }
