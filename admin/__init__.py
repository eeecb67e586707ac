"""Interface: the firm staff's dashboard (`/admin/…` on tenant hosts) and the operator console
(`/operator/…` on the platform host), plus the `foyer` commands for operators. Views parse
input, check who may act and call domain services; they own no business rules.

Templates are plain names under `admin/templates/admin/` (never themed), statics under
`admin/static/`, both served through the `admin` blueprint below.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, send_from_directory

from admin import audit_trail, cli, nav
from admin.views import (
    api_tokens,
    audit,
    branding,
    clients,
    community,
    courses,
    documents,
    domains,
    email_templates,
    files,
    firm,
    history,
    inbox,
    invoice_email,
    invoices,
    languages,
    mail_domains,
    modules,
    notifications,
    operator,
    operator_api_tokens,
    operator_health,
    operator_security,
    operator_tenants,
    payments,
    preview,
    records,
    referrals,
    requests,
    security,
    settings,
    share,
    staff_password,
    staff_profile,
    team,
    webhooks,
)
from portal.files.uploads import raise_body_limit
from tenants.resolution import any_host

assets = Blueprint("admin", __name__, template_folder="templates")
STATIC = Path(__file__).resolve().parent / "static"


@assets.route("/admin/static/<path:filename>")
@any_host
def static(filename: str) -> Response:
    """The workspace's CSS and scripts, on every host: the operator console on the platform
    host uses them as much as the staff pages on firm hosts."""
    return send_from_directory(STATIC, filename)


BLUEPRINTS: tuple[Blueprint, ...] = (
    assets,
    operator.bp,
    operator_tenants.bp,
    operator_health.bp,
    operator_api_tokens.bp,
    firm.bp,
    clients.bp,
    settings.bp,
    domains.bp,
    mail_domains.bp,
    branding.bp,
    modules.bp,
    inbox.bp,
    requests.bp,
    team.bp,
    staff_password.bp,
    staff_profile.bp,
    audit.bp,
    documents.bp,
    email_templates.bp,
    share.bp,
    preview.bp,
    records.bp,
    files.bp,
    notifications.bp,
    invoices.bp,
    invoice_email.bp,
    payments.bp,
    operator_security.bp,
    security.bp,
    languages.bp,
    api_tokens.bp,
    webhooks.bp,
    courses.bp,
    referrals.bp,
    history.bp,
    community.bp,
)


def init_app(app: Flask) -> None:
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    app.url_value_preprocessor(raise_body_limit)  # before CSRF reads an upload's body
    nav.init_app(app)
    audit_trail.init_app(app)
    for command in cli.COMMANDS:
        app.cli.add_command(command)
