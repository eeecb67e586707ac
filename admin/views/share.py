"""Share: the invitation composer (seed 001), the invitation preview every invite form uses,
and the firm's side of clients inviting their teammates (setting, approve, decline)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length

from admin.access import permission_required, staff_required
from portal.audit.service import Outcome, record
from portal.auth.roles import Permission
from portal.clients import directory, teammates
from portal.clients.invitations import (
    INVITATION_KIND,
    SendLimitReached,
    open_invitation,
    portal_account_names,
    send_invitation,
)
from portal.clients.models import ClientAccount, Contact
from portal.core.errors import UserError, form_status
from portal.core.extensions import db
from portal.core.pagination import PER_PAGE, Page, page_number
from portal.mail.templates import SAMPLE, Rendered, preview_email
from tenants.context import current_tenant
from tenants.resolution import tenant_row

bp = Blueprint("admin_share", __name__, url_prefix="/admin/share")


class ComposerForm(FlaskForm):
    personal_message = TextAreaField("Personal message", validators=[Length(max=2000)])


class TeammateSettingsForm(FlaskForm):
    clients_invite_teammates = BooleanField("Clients may invite teammates to their account")
    teammate_approval = BooleanField("A team member approves each one before it is sent")


class DecisionForm(FlaskForm):
    """CSRF only: approve and decline buttons."""


@dataclass(frozen=True, slots=True)
class SampleContact:
    """Stands in for the recipient where an invite form has no contact yet."""

    name: str = SAMPLE["client_name"]
    email: str = SAMPLE["client_email"]

    @property
    def display_name(self) -> str:
        return self.name


def _staff_label() -> str:
    return f"{current_user.display_name} (team)"


def _audit(event: str, detail: str) -> None:
    record(
        event,
        tenant=current_tenant,
        principal_kind="staff",
        principal_id=current_user.id,
        outcome=Outcome.SUCCESS,
        detail=detail,
    )


def _member(account_id: int, contact_id: int) -> tuple[ClientAccount, Contact]:
    account = directory.get_account(current_tenant.id, account_id)
    contact = directory.get_contact(current_tenant.id, contact_id)
    if (
        account is None
        or contact is None
        or db.session.get(directory.AccountContact, (current_tenant.id, account.id, contact.id))
        is None
    ):
        abort(404)
    return account, contact


def invitation_preview(
    account: ClientAccount | None, contact: Contact | SampleContact | None, message: str
) -> Rendered:
    """The invitation email this contact would receive now, link left out (nothing is written)."""
    tenant = current_tenant
    recipient = contact or SampleContact()
    names: list[str] = []
    reminder = False
    if isinstance(recipient, Contact):
        names = portal_account_names(tenant.id, recipient.id)
        invitation = open_invitation(tenant.id, recipient.id)
        reminder = invitation is not None and (invitation.send_count or 0) > 0
    if account is not None and account.name not in names:
        names = sorted([*names, account.name])
    if not names:
        names = [SAMPLE["account_names"]]
    return preview_email(
        tenant,
        INVITATION_KIND,
        link=f"https://{tenant.canonical_host}/invite/…",
        contact=recipient,
        account_names=names,
        personal_message=message.strip(),
        invited_by=_staff_label(),
        expiry_days=tenant.invite_expiry_days,
        reminder=reminder,
    )


@bp.route("/accounts/<int:account_id>/contacts/<int:contact_id>", methods=["GET", "POST"])
@staff_required
def compose(account_id: int, contact_id: int) -> ResponseReturnValue:
    """Share › Client account invitation: the recipient from the contact, the branded email
    as a live preview, Send."""
    account, contact = _member(account_id, contact_id)
    form = ComposerForm()
    if form.validate_on_submit() and request.form.get("action") == "send":
        if contact.activated_at is not None:
            flash(f"{contact.email} already uses the portal.")
            return redirect(url_for("admin_clients.account", account_id=account.id))
        directory.set_login(current_tenant.id, account.id, contact.id, True)
        try:
            invitation = send_invitation(
                current_tenant,
                contact,
                invited_by=_staff_label(),
                staff_id=current_user.id,
                personal_message=form.personal_message.data or "",
            )
        except SendLimitReached as exc:
            db.session.rollback()
            form.personal_message.errors = [exc.message]
        else:
            db.session.commit()
            _audit("invitation.shared", f"contact {contact.id} account {account.id}")
            flash(f"Invitation sent to {contact.email} (sent {invitation.send_count} time(s)).")
            return redirect(url_for("admin_clients.account", account_id=account.id))
    preview = invitation_preview(account, contact, form.personal_message.data or "")
    page = render_template(
        "admin/share/compose.html",
        account=account,
        contact=contact,
        form=form,
        preview=preview,
        active=contact.activated_at is not None,
    )
    return page, form_status(form)


def _optional_int(name: str) -> int | None:
    raw = request.values.get(name, "")
    return int(raw) if raw.isdigit() else None


@bp.route("/preview", methods=["GET", "POST"])
@staff_required
def preview() -> ResponseReturnValue:
    """The invitation preview of any invite form (single, bulk, Settings › Invites): JSON for
    the live preview, a page for a plain link. Ids that are not the firm's answer 404."""
    account_id, contact_id = _optional_int("account_id"), _optional_int("contact_id")
    account = directory.get_account(current_tenant.id, account_id) if account_id else None
    contact = directory.get_contact(current_tenant.id, contact_id) if contact_id else None
    if (account_id and account is None) or (contact_id and contact is None):
        abort(404)
    if contact is None and request.values.get("email"):
        contact = directory.find_contact_by_email(
            current_tenant.id, request.values["email"].strip().lower()
        )
    form = ComposerForm()
    if request.method == "POST" and not form.validate_on_submit():
        if request.accept_mimetypes.best == "application/json":
            return jsonify(
                error="The personal message is too long (2,000 characters at most)."
            ), 422
    rendered = invitation_preview(account, contact, form.personal_message.data or "")
    if request.method == "POST" and request.accept_mimetypes.best == "application/json":
        return jsonify(subject=rendered.subject, html=rendered.html, text=rendered.text)
    page = render_template("admin/share/preview.html", form=form, preview=rendered)
    return page, form_status(form)


@bp.route("/teammates", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SETTINGS, methods=("POST",))  # the setting's form
def teammate_requests() -> ResponseReturnValue:
    """Clients' teammate invitations: the firm's setting and the requests to approve."""
    tenant = current_tenant
    form = TeammateSettingsForm(obj=tenant)
    if request.method == "POST":
        if not current_user.can_manage_settings:
            abort(403)
        if form.validate_on_submit():
            row = tenant_row(tenant)
            row.clients_invite_teammates = bool(form.clients_invite_teammates.data)
            row.teammate_approval = bool(form.teammate_approval.data)
            db.session.commit()
            _audit(
                "settings.teammates",
                f"invite={row.clients_invite_teammates} approval={row.teammate_approval}",
            )
            flash("Teammate invitation settings saved.")
            return redirect(url_for("admin_share.teammate_requests"))
    status = request.args.get("status", teammates.TeammateStatus.PENDING)
    if status not in set(teammates.TeammateStatus):
        status = teammates.TeammateStatus.PENDING
    number, per_page = page_number(request.args), PER_PAGE
    query = teammates.requests_select(tenant, status).limit(per_page + 1)
    rows = list(db.session.scalars(query.offset((number - 1) * per_page)))
    page = Page(rows[:per_page], number, per_page, len(rows) > per_page)
    return render_template(
        "admin/share/teammates.html",
        form=form,
        decision=DecisionForm(),
        page=page,
        status=status,
        statuses=list(teammates.TeammateStatus),
        requesters=teammates.requester_names(tenant, page.items),
        accounts=teammates.account_names(tenant, page.items),
    ), form_status(form)


@bp.post("/teammates/<int:teammate_request_id>/<decision>")
@staff_required
def decide(teammate_request_id: int, decision: str) -> ResponseReturnValue:
    if decision not in ("approve", "decline"):
        abort(404)
    row = teammates.get_request(current_tenant, teammate_request_id) or abort(404)
    if not DecisionForm().validate_on_submit():
        abort(400)
    try:
        if decision == "approve":
            teammates.approve(current_tenant, row, current_user.id)
        else:
            teammates.decline(current_tenant, row, current_user.id)
    except UserError as exc:  # SendLimitReached too: nothing changed
        db.session.rollback()
        flash(exc.message)
    else:
        db.session.commit()
        _audit(f"teammate.{decision}d", f"request {row.id} email {row.email}")
        if decision == "approve":
            flash(f"Approved: {row.email} was invited.")
        else:
            flash(f"Declined: {row.email} will not be invited.")
    if request.form.get("next") == "account":
        return redirect(url_for("admin_clients.account", account_id=row.account_id))
    return redirect(url_for("admin_share.teammate_requests"))
