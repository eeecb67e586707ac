"""The firm's team (owners only): invite staff, resend or cancel invitations, change roles,
deactivate, reactivate and remove. Every action is recorded in the audit log; the destructive
ones (cancel, deactivate, remove) ask for confirmation on a page of their own first."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3
from wtforms.validators import InputRequired, Length

from admin.access import permission_required
from portal.audit.service import Outcome, record
from portal.auth import team
from portal.auth.models import StaffMember
from portal.auth.roles import ROLE_LABELS, Permission, StaffRole
from portal.core.errors import UNPROCESSABLE, UserError, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, sort_key
from portal.documents.service import reassign_staff as reassign_document_requests
from portal.messaging.threads import reassign_staff as reassign_threads
from tenants.context import current_tenant
from tenants.snapshot import TenantSnapshot

bp = Blueprint("admin_team", __name__, url_prefix="/admin/team")
ROLE_CHOICES = [SelectChoice(role.value, ROLE_LABELS[role]) for role in StaffRole]
# Whatever a departing teammate owns moves to the colleague chosen on the confirmation page:
# (what, reassign(tenant, from_staff_id, to_staff_id) -> how many moved).
REASSIGNERS: tuple[tuple[str, Callable[[TenantSnapshot, int, int], int]], ...] = (
    ("conversations", reassign_threads),
    ("document_requests", reassign_document_requests),
)
manage_team = permission_required(Permission.MANAGE_TEAM)


class InviteStaffForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=320)])
    name = StringField("Name", validators=[Length(max=120)])
    role = SelectField("Role", choices=ROLE_CHOICES, default=StaffRole.MEMBER.value)


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class HandOverForm(FlaskForm):
    """Confirmation of a deactivation or removal, with who takes over the person's work."""

    to_staff_id = SelectField("Hand their conversations and documents over to", coerce=int)


def _member_or_404(staff_id: int) -> StaffMember:
    return team.get_member(current_tenant, staff_id) or abort(404)


def _actor() -> StaffMember:
    return current_user._get_current_object()


def _audit(event: str, staff: StaffMember, detail: str = "") -> None:
    """One audit event for a team action: who did it (the signed-in owner) and to whom."""
    record(
        f"team.{event}",
        tenant=current_tenant,
        principal_kind="staff",
        principal_id=current_user.id,
        outcome=Outcome.SUCCESS,
        detail=" ".join(part for part in (f"staff:{staff.id}", detail) if part),
    )


def _index(
    form: InviteStaffForm | None = None, error: str = "", status: int = 200
) -> tuple[str, int]:
    sort, descending = sort_key(request.args, tuple(team.SORTS), "name")
    page = team.team_page(current_tenant, page_number(request.args), sort, descending)
    return (
        render_template(
            "admin/team/index.html",
            page=page,
            sort=sort,
            descending=descending,
            form=form or InviteStaffForm(),
            role_choices=ROLE_CHOICES,
            error=error,
        ),
        status,
    )


@bp.get("/")
@manage_team
def index() -> tuple[str, int]:
    return _index()


@bp.post("/invite")
@manage_team
def invite() -> ResponseReturnValue:
    form = InviteStaffForm()
    if not form.validate_on_submit():
        return _index(form, status=UNPROCESSABLE)
    try:
        staff = team.invite_member(
            current_tenant, form.email.data or "", form.name.data or "", form.role.data or ""
        )
    except UserError as exc:
        db.session.rollback()
        show_on_form(form, exc, default_field="email")
        return _index(form, status=UNPROCESSABLE)
    db.session.commit()
    _audit("invited", staff, f"as {staff.role_label}")
    flash(f"Invitation sent to {staff.email}.", "success")
    return redirect(url_for("admin_team.index"))


@bp.post("/<int:staff_id>/resend")
@manage_team
def resend(staff_id: int) -> ResponseReturnValue:
    staff = _member_or_404(staff_id)
    return _act(
        staff,
        "invitation_resent",
        lambda: team.resend_invitation(current_tenant, staff),
        f"A new invitation is on its way to {staff.email}; the previous link no longer works.",
    )


@bp.post("/<int:staff_id>/role")
@manage_team
def change_role(staff_id: int) -> ResponseReturnValue:
    staff = _member_or_404(staff_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _index(error="Choose one of the roles.", status=UNPROCESSABLE)
    try:
        change = team.change_role(current_tenant, staff, form.role.data or "")
    except UserError as exc:
        db.session.rollback()
        return _index(error=exc.message, status=UNPROCESSABLE)
    db.session.commit()
    if change:
        _audit("role_changed", staff, change)
        flash(f"{staff.display_name} is now {staff.role_label}.", "success")
    if not current_user.can(Permission.MANAGE_TEAM):  # an owner who stepped down
        return redirect(url_for("admin_firm.dashboard"))
    return redirect(url_for("admin_team.index"))


@bp.post("/<int:staff_id>/reactivate")
@manage_team
def reactivate(staff_id: int) -> ResponseReturnValue:
    staff = _member_or_404(staff_id)
    return _act(
        staff,
        "reactivated",
        lambda: team.reactivate(current_tenant, staff),
        f"{staff.display_name} can sign in again.",
    )


@bp.route("/<int:staff_id>/cancel", methods=["GET", "POST"])
@manage_team
def cancel(staff_id: int) -> ResponseReturnValue:
    staff = _member_or_404(staff_id)
    if request.method == "GET":
        return _confirm(staff, "cancel", FlaskForm())
    return _act(
        staff,
        "invitation_cancelled",
        lambda: team.cancel_invitation(current_tenant, staff),
        f"The invitation to {staff.email} was cancelled.",
    )


@bp.route("/<int:staff_id>/deactivate", methods=["GET", "POST"])
@manage_team
def deactivate(staff_id: int) -> ResponseReturnValue:
    return _hand_over(_member_or_404(staff_id), "deactivate")


@bp.route("/<int:staff_id>/remove", methods=["GET", "POST"])
@manage_team
def remove(staff_id: int) -> ResponseReturnValue:
    return _hand_over(_member_or_404(staff_id), "remove")


def _hand_over(staff: StaffMember, action: str) -> ResponseReturnValue:
    """Confirm, then deactivate or remove `staff` and hand their work to a colleague."""
    form = HandOverForm()
    colleagues = team.active_teammates(current_tenant, staff.id)
    form.to_staff_id.choices = [
        SelectChoice(c.id, f"{c.display_name} ({c.role_label})") for c in colleagues
    ]
    if request.method == "GET":
        form.to_staff_id.data = current_user.id
    if not form.validate_on_submit():
        return _confirm(staff, action, form, status=UNPROCESSABLE if form.errors else 200)
    to_id = int(form.to_staff_id.data)
    try:
        if action == "deactivate":
            team.deactivate(current_tenant, staff, _actor())
        else:
            team.remove(current_tenant, staff, _actor())
        moved = [
            f"{what}={reassign(current_tenant, staff.id, to_id)}" for what, reassign in REASSIGNERS
        ]
    except UserError as exc:
        db.session.rollback()
        show_on_form(form, exc)
        return _confirm(staff, action, form, status=UNPROCESSABLE)
    db.session.commit()
    done = "deactivated" if action == "deactivate" else "removed"
    _audit(done, staff, " ".join([f"work to staff:{to_id}", *moved]))
    flash(f"{staff.display_name} was {done}; their sessions have ended.", "success")
    return redirect(url_for("admin_team.index"))


def _confirm(
    staff: StaffMember, action: str, form: FlaskForm, status: int = 200
) -> tuple[str, int]:
    page = render_template("admin/team/confirm.html", staff=staff, action=action, form=form)
    return page, status


def _act(
    staff: StaffMember, event: str, action: Callable[[], None], done: str
) -> ResponseReturnValue:
    """Run a team action (CSRF checked globally); a refusal goes back to the team page."""
    try:
        action()
    except UserError as exc:
        db.session.rollback()
        return _index(error=exc.message, status=UNPROCESSABLE)
    db.session.commit()
    _audit(event, staff)
    flash(done, "success")
    return redirect(url_for("admin_team.index"))
