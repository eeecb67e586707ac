"""The firm dashboard on a tenant's own hosts under /admin (first cut: staff sign-in)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from admin.access import staff_required
from admin.charts import stacked_bars
from portal.audit.service import Outcome, record
from portal.auth.forms import SetPasswordForm, SignInForm
from portal.auth.models import StaffInvitation, StaffMember
from portal.auth.passwords import RULES, hash_password, password_problem
from portal.auth.principals import sign_in
from portal.auth.principals import sign_out as end_this_session
from portal.auth.signin import one, sign_in_with
from portal.auth.single_use import consume_once
from portal.auth.tokens import hash_token
from portal.clients import activation
from portal.core.database import utcnow
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.http import no_referrer
from tenants.context import current_tenant
from tenants.scoping import owned

bp = Blueprint("admin_firm", __name__, url_prefix="/admin")


@bp.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
def sign_in_page() -> ResponseReturnValue:
    form = SignInForm()
    response = sign_in_with(
        form, f"staff:{current_tenant.id}", one(_find_staff), url_for("admin_firm.dashboard")
    )
    return response or (render_template("admin/firm/sign_in.html", form=form), form_status(form))


@bp.post("/sign-out")
@staff_required
def sign_out() -> Response:
    """This browser only; Profile ends the others (admin/views/staff_profile.py)."""
    end_this_session(current_user._get_current_object())
    db.session.commit()
    return redirect(url_for("admin_firm.sign_in"))


# Templates other areas add to the dashboard home (each renders a `.panel`), in order.
DASHBOARD_WIDGETS: list[str] = []
CHART_SERIES = (
    activation.Funnel.ACTIVE,
    activation.Funnel.INVITED,
    activation.Funnel.PENDING,
    activation.Funnel.OFFLINE,
)


@bp.get("/")
@staff_required
def dashboard() -> str:
    """Home: activation counts and their last weeks, invites needing attention, activity."""
    tenant_id = current_tenant.id
    counts, weeks = activation.overview(tenant_id)
    chart = stacked_bars(
        [week.ends.strftime("%d %b") for week in weeks],
        CHART_SERIES,
        [[week.counts[s] for s in CHART_SERIES] for week in weeks],
    )
    return render_template(
        "admin/firm/dashboard.html",
        counts=counts,
        weeks=weeks,
        chart=chart,
        series=CHART_SERIES,
        attention=activation.needing_attention(tenant_id),
        activity=activation.recent_activity(tenant_id),
        widgets=DASHBOARD_WIDGETS,
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@no_referrer
def accept_invitation(token: str) -> ResponseReturnValue:
    """GET only shows the form (mail scanners must not use the invitation up); POST redeems."""
    invitation = _live_invitation(token)
    staff = db.session.get(StaffMember, invitation.staff_id) if invitation else None
    if invitation is None or staff is None:
        _link_refused("staff_invitation.invalid", "unknown, used, cancelled or expired")
        return render_template("admin/firm/invitation_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        password = form.password.data or ""  # InputRequired: never empty here
        problem = password_problem(password, email=staff.email, firm_name=current_tenant.name)
        if problem:
            show_on_form(form, UserError(problem, field="password"))
        elif _redeem(invitation):
            staff.password_hash = hash_password(password)
            staff.last_login_at = utcnow()
            sign_in(staff)
            db.session.commit()
            record(
                "staff_invitation.accepted",
                tenant=current_tenant,
                principal_kind="staff",
                principal_id=staff.id,
                outcome=Outcome.SUCCESS,
            )
            return redirect(url_for("admin_firm.dashboard"))
        else:
            db.session.rollback()  # nothing to keep; frees SQLite for the audit row
            _link_refused("staff_invitation.used", "used while the form was open", staff.id)
            return render_template("admin/firm/invitation_invalid.html"), 404
    page = render_template("admin/firm/accept_invitation.html", form=form, staff=staff, rules=RULES)
    return page, form_status(form)


def _link_refused(event: str, detail: str, staff_id: int | None = None) -> None:
    """A staff invitation link that cannot be used: recorded, never with its token."""
    record(
        event,
        tenant=current_tenant,
        principal_kind="staff" if staff_id is not None else "",
        principal_id=staff_id,
        outcome=Outcome.REFUSED,
        detail=detail,
    )


def _live_invitation(token: str) -> StaffInvitation | None:
    return db.session.scalar(
        owned(StaffInvitation, current_tenant.id).where(
            StaffInvitation.token_hash == hash_token(token),
            StaffInvitation.accepted_at.is_(None),
            StaffInvitation.cancelled_at.is_(None),
            StaffInvitation.expires_at > utcnow(),
        )
    )


def _redeem(invitation: StaffInvitation) -> bool:
    return consume_once(StaffInvitation, invitation, "accepted_at", "cancelled_at")


def _find_staff(email: str) -> StaffMember | None:
    return db.session.scalar(
        owned(StaffMember, current_tenant.id).where(StaffMember.email == email)
    )
