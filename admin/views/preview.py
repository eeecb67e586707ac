"""Preview as client: staff open the portal as one contact sees it, read-only and audited
(portal/clients/preview.py holds the session state; portal/web/previewing.py the portal side)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm

from admin.access import staff_required
from portal.clients import directory, preview
from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.context import current_tenant

bp = Blueprint("admin_preview", __name__, url_prefix="/admin/preview")


class PreviewForm(FlaskForm):
    """CSRF only: start and end buttons."""


@bp.post("/accounts/<int:account_id>/contacts/<int:contact_id>")
@staff_required
def start(account_id: int, contact_id: int) -> ResponseReturnValue:
    account = directory.get_account(current_tenant.id, account_id)
    contact = directory.get_contact(current_tenant.id, contact_id)
    if (
        account is None
        or contact is None
        or db.session.get(directory.AccountContact, (current_tenant.id, account.id, contact.id))
        is None
    ):
        abort(404)
    if not PreviewForm().validate_on_submit():
        abort(400)
    try:
        preview.start(current_tenant, current_user.id, contact, account)
    except UserError as exc:
        flash(exc.message)
        return redirect(url_for("admin_clients.account", account_id=account.id))
    return redirect(url_for("home.index"))


@bp.post("/end")
@staff_required
def end() -> ResponseReturnValue:
    if not PreviewForm().validate_on_submit():
        abort(400)
    if preview.end(current_tenant, current_user.id):
        flash("Preview ended.")
    return redirect(url_for("admin_firm.dashboard"))
