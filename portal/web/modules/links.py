"""The link module: the firm's external pages, opened in a new tab or embedded in a sandbox."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort
from flask.typing import ResponseReturnValue

from portal.core.http import CSP
from portal.modules.models import LinkMode, ModuleLink
from portal.modules.service import links_of
from portal.web.modules.blueprints import module_blueprint
from portal.web.modules.pages import render_module_page
from portal.web.session import client_required
from tenants.context import current_tenant
from tenants.scoping import get_owned

bp = module_blueprint("links", __name__)
SANDBOX = "allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox"


@bp.get("/")
@client_required
def index() -> str:
    return render_module_page("links", "portal/links.html", links=links_of(current_tenant.id))


@bp.get("/<int:link_id>")
@client_required
def show(link_id: int) -> ResponseReturnValue:
    link = get_owned(ModuleLink, current_tenant.id, link_id)
    if link is None or link.mode != LinkMode.EMBED:
        abort(404)
    parts = urlsplit(link.url)
    origin = f"{parts.scheme}://{parts.netloc}"
    html = render_module_page("links", "portal/link_embed.html", link=link, sandbox=SANDBOX)
    # Only this page may frame the one origin the firm chose; everything else keeps the base CSP.
    return html, 200, {"Content-Security-Policy": f"{CSP}; frame-src {origin}"}
