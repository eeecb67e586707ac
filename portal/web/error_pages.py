"""Error pages in the tenant's theme, for `portal.core.errors` on tenant hosts."""

from __future__ import annotations

from flask import Flask, g

from portal.branding import branding
from portal.core.errors import THEMED_RENDERER, ErrorPage
from themes.loader import themed_template


def init_app(app: Flask) -> None:
    app.extensions[THEMED_RENDERER] = render_error_page


def render_error_page(page: ErrorPage) -> str:
    """Drawn from the cached tenant snapshot alone, so a database outage still gets a branded
    page (the snapshot's colours, names and image keys are all the theme needs)."""
    tenant = g.tenant
    return themed_template(tenant.theme, "errors/page.html").render(
        page=page, tenant=tenant, brand=branding(tenant)
    )
