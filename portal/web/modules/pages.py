"""Rendering a module page inside the client's themed layout."""

from __future__ import annotations

from typing import Any

from flask import abort, g

from portal.modules.service import module_view
from tenants.context import current_tenant
from themes.loader import render_themed


def render_module_page(key: str, template: str = "portal/module.html", **context: Any) -> str:
    module = module_view(current_tenant.id, key)
    if module is None:
        abort(404)
    return render_themed(
        current_tenant.theme,
        template,
        module=module,
        accounts=g.accounts,
        account=g.account,
        **context,
    )
