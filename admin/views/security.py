"""A staff member's own second factor and passkeys on the firm's hosts (the verify step after
the password, passkey sign-in, the emailed unlock link, enrolment; required when the firm's
`require_staff_2fa` is on), and the firm's Settings › Security page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import BooleanField

from admin.access import settings_permission_required, staff_required
from portal.auth import factor_pages
from portal.core.errors import form_status
from portal.core.extensions import db
from tenants.context import current_tenant
from tenants.resolution import tenant_row

bp = Blueprint("admin_security", __name__, url_prefix="/admin")
NAME = "admin_security"


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    page = render_template(f"admin/security/{template}", layout="admin/firm/layout.html", **context)
    return page, status


AREA = factor_pages.Area(
    name=NAME,
    kind="staff",
    render=_render,
    guard=staff_required,
    sign_in_endpoint="admin_firm.sign_in",
    landing_endpoint="admin_firm.dashboard",
    tenant=lambda: current_tenant,
    issuer=lambda: str(current_tenant.name),
)
factor_pages.add_routes(bp, AREA)


@bp.before_app_request
def _enrol_first() -> Any:
    return factor_pages.enrol_first(
        lambda endpoint: endpoint.startswith("admin_"), {"admin_firm.sign_out"}, NAME
    )


class SecuritySettingsForm(FlaskForm):
    require_staff_2fa = BooleanField("Staff must use a second factor")
    allow_client_passkeys = BooleanField("Clients may use passkeys")


@bp.route("/settings/security", methods=["GET", "POST"])
@settings_permission_required
def settings() -> ResponseReturnValue:
    """The firm's sign-in rules: a second factor for staff, passkeys for clients."""
    tenant = tenant_row(current_tenant)
    form = SecuritySettingsForm(obj=tenant)
    if form.validate_on_submit():
        tenant.require_staff_2fa = bool(form.require_staff_2fa.data)
        tenant.allow_client_passkeys = bool(form.allow_client_passkeys.data)
        db.session.commit()
        flash("Security settings saved.", "success")
        return redirect(url_for("admin_security.settings"))
    return render_template("admin/security/settings.html", form=form), form_status(form)
