"""Caddy on-demand TLS `ask`: may a certificate be obtained for this host name?

200 only for the platform's own names, active tenants' platform subdomains and verified domains
of active tenants; 404 for everything else. One cached, indexed lookup; never a DNS query.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request

from tenants.hosts import normalize_host
from tenants.resolution import any_host, tenant_for_host

bp = Blueprint("tls", __name__)


@bp.get("/tls/ask")
@any_host
def ask() -> tuple[str, int, dict[str, str]]:
    raw = request.args.get("domain", "")
    host = normalize_host(raw) if ":" not in raw else None
    headers = {"Cache-Control": "no-store"}
    if host is not None and (
        host in current_app.config["PLATFORM_HOSTS"] or tenant_for_host(host) is not None
    ):
        return "ok\n", 200, headers
    return "unknown host\n", 404, headers
