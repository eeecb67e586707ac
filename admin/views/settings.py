"""Firm settings: sending invitations from Settings > Invites, and portal access settings."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField

from admin.access import settings_permission_required
from admin.forms import DocumentSettingsForm, PortalSettingsForm, SelectChoice, SettingsInviteForm
from portal.clients import directory, listing
from portal.clients.invitations import SendLimitReached, send_invitation
from portal.clients.models import ClientAccount, Contact
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from tenants.context import current_tenant
from tenants.resolution import tenant_row
from tenants.scoping import owned

bp = Blueprint("admin_settings", __name__, url_prefix="/admin/settings")


@bp.route("/invites", methods=["GET", "POST"])
@settings_permission_required
def invites() -> ResponseReturnValue:
    tenant_id = current_tenant.id
    form = SettingsInviteForm()
    # The account is picked by type-ahead (admin_clients.search), never from a select of every
    # account and never preselected: the only valid choice is the one submitted, if it is ours.
    chosen = _chosen_account(tenant_id, request.form.get("account_id", ""))
    form.account_id.choices = [SelectChoice(chosen.id, chosen.name)] if chosen else []
    if request.method == "POST" and chosen is None:
        form.validate()
        form.account_id.errors = [
            "Not a valid choice: search for the client account, then pick it."
        ]
    elif form.validate_on_submit():
        account = directory.get_account(tenant_id, form.account_id.data) or abort(404)
        try:
            contact, notified = directory.add_contact_with_notice(
                current_tenant, account, form.email.data or "", login=True
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="email")
        else:
            if contact.activated_at is not None:
                db.session.commit()
                told = "we told them they" if notified else "they already"
                flash(
                    f"{contact.email} already uses the portal; {told} now also see {account.name}."
                )
            else:
                try:
                    send_invitation(
                        current_tenant,
                        contact,
                        invited_by=f"{current_user.display_name} (team)",
                        staff_id=current_user.id,
                        personal_message=form.personal_message.data or "",
                    )
                except SendLimitReached as exc:  # nothing changed: shown on the form below
                    db.session.rollback()
                    show_on_form(form, exc, default_field="email")
                else:
                    db.session.commit()
                    flash(f"Invitation sent to {contact.email} for {account.name}.")
            if not form.errors:
                return redirect(url_for("admin_settings.invites"))
    known = db.session.scalars(
        select(Contact.email)
        .where(Contact.tenant_id == tenant_id)
        .order_by(Contact.email)
        .limit(500)
    ).all()
    search = (request.args.get("q") or "").strip()[:200]
    if request.method == "GET":  # the no-JS Search button keeps what was typed
        form.email.data = (request.args.get("email") or "")[:320]
        form.personal_message.data = (request.args.get("personal_message") or "")[:2000]
    page = render_template(
        "admin/settings/invites.html",
        form=form,
        known_emails=known,
        has_accounts=db.session.scalar(owned(ClientAccount, tenant_id).limit(1)) is not None,
        chosen=chosen,
        search=search,
        found=listing.search_accounts(tenant_id, search) if search else [],
    )
    return page, form_status(form)


def _chosen_account(tenant_id: int, raw: str) -> ClientAccount | None:
    account = directory.get_account(tenant_id, int(raw)) if raw.isdigit() else None
    return account if account is not None and account.archived_at is None else None


@bp.route("/portal", methods=["GET", "POST"])
@settings_permission_required
def portal_settings() -> ResponseReturnValue:
    tenant = tenant_row(current_tenant)
    form = PortalSettingsForm(obj=tenant)
    if form.validate_on_submit():
        tenant.welcome_message = (form.welcome_message.data or "").strip()
        tenant.invite_expiry_days = form.invite_expiry_days.data or tenant.invite_expiry_days
        tenant.expired_invite_action = form.expired_invite_action.data
        tenant.signup_mode = form.signup_mode.data
        tenant.signup_ask_company = form.signup_ask_company.data
        tenant.allow_duplicate_contacts = form.allow_duplicate_contacts.data
        tenant.notify_on_signup = form.notify_on_signup.data
        tenant.unverified_purge_days = (
            form.unverified_purge_days.data or tenant.unverified_purge_days
        )
        tenant.client_sign_in = form.client_sign_in.data
        db.session.commit()
        flash("Portal settings saved.")
        return redirect(url_for("admin_settings.portal_settings"))
    return render_template("admin/settings/portal.html", form=form), form_status(form)


@bp.route("/documents", methods=["GET", "POST"])
@settings_permission_required
def document_settings() -> ResponseReturnValue:
    """Document request reminders and the no-login action links of emails."""
    tenant = tenant_row(current_tenant)
    form = DocumentSettingsForm(obj=tenant)
    if form.validate_on_submit():
        tenant.document_reminder_days = form.document_reminder_days.data or 3
        tenant.action_links_enabled = bool(form.action_links_enabled.data)
        tenant.action_link_days = form.action_link_days.data or 7
        db.session.commit()
        flash("Document settings saved.")
        return redirect(url_for("admin_settings.document_settings"))
    return render_template("admin/settings/documents.html", form=form), form_status(form)


class FileSettingsForm(FlaskForm):
    max_upload_mb = IntegerField("Largest file clients and staff may upload (MB)")


@bp.route("/files", methods=["GET", "POST"])
@settings_permission_required
def file_settings() -> ResponseReturnValue:
    """The firm's per-file upload limit, at most the platform's MAX_UPLOAD_BYTES."""
    tenant = tenant_row(current_tenant)
    platform_mb = current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)
    form = FileSettingsForm(obj=tenant)
    if form.validate_on_submit():
        chosen = form.max_upload_mb.data
        if chosen is None or not 1 <= chosen <= platform_mb:
            form.max_upload_mb.errors = [f"Choose a size from 1 to {platform_mb} MB."]
        else:
            tenant.max_upload_mb = chosen
            db.session.commit()
            flash("File settings saved.")
            return redirect(url_for("admin_settings.file_settings"))
    page = render_template("admin/settings/files.html", form=form, platform_mb=platform_mb)
    return page, form_status(form)
