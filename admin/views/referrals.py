"""Staff referral pages: the referrers with their totals, the commission queue (approve, or
reject with a reason the client sees), one referrer's page with its payouts and the form that
records one, and Settings › Referrals.

Teammates who work with clients decide commissions and record payouts (as they record
payments); the programme's settings need the settings permission. Every decision is audited.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from admin.access import permission_required
from admin.forms import SelectChoice
from portal.audit.service import Outcome, record
from portal.auth.roles import Permission
from portal.billing.invoices import firm_currency
from portal.billing.money import format_minor, format_plain, parse_amount
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate
from portal.payments.models import METHOD_LABELS
from portal.payments.recording import parse_paid_on
from portal.referrals import earnings, labels, programme
from portal.referrals.models import Audience, Commission, ReferralCode
from tenants.context import current_tenant
from tenants.scoping import get_owned

bp = Blueprint("admin_referrals", __name__, url_prefix="/admin/referrals")
WORK = Permission.WORK_WITH_CLIENTS
SETTINGS = Permission.MANAGE_SETTINGS
STATUS_FILTERS = ("pending", "approved", "rejected", "reversed", "")


class SettingsForm(FlaskForm):
    enabled = BooleanField("Run a referral programme")
    audience = SelectField(
        "Who gets a referral link",
        choices=[SelectChoice(a.value, str(label)) for a, label in
                 programme.AUDIENCE_LABELS.items()],
    )  # fmt: skip
    tags = StringField("Tags (comma-separated)", validators=[Length(max=500)])
    cookie_days = StringField("Cookie window (days)", validators=[Length(max=5)])
    percent = StringField("Commission on paid invoices (%)", validators=[Length(max=10)])
    signup_amount = StringField("Fixed amount per verified sign-up", validators=[Length(max=30)])
    terms = TextAreaField("Programme terms shown to clients", validators=[Length(max=10_000)])


class RejectForm(FlaskForm):
    reason = StringField("Reason (the client sees it)", validators=[Length(max=500)])


class PayoutForm(FlaskForm):
    amount = StringField("Amount", validators=[Length(max=30)])
    paid_on = StringField("Date (YYYY-MM-DD)", validators=[Length(max=20)])
    method = SelectField(
        "Method", choices=[SelectChoice(m.value, label) for m, label in METHOD_LABELS.items()]
    )
    reference = StringField("Reference", validators=[Length(max=200)])


def _audit(event: str, detail: str) -> None:
    record(
        event,
        tenant=current_tenant,
        principal_kind="staff",
        principal_id=current_user.id,
        outcome=Outcome.SUCCESS,
        detail=detail,
    )


@bp.get("/")
@permission_required(WORK)
def index() -> str:
    query = earnings.referrers_query(current_tenant).order_by(ReferralCode.id.desc())
    page = paginate(query, page_number(request.args))
    return render_template(
        "admin/referrals/index.html",
        page=page,
        currency=firm_currency(current_tenant),
        settings=programme.settings_of(current_tenant),
    )


@bp.get("/commissions")
@permission_required(WORK)
def commissions() -> str:
    status = request.args.get("status", "pending")
    status = status if status in STATUS_FILTERS else "pending"
    page = paginate(earnings.commissions_query(current_tenant, status=status),
                    page_number(request.args))  # fmt: skip
    return render_template(
        "admin/referrals/commissions.html",
        page=page,
        status=status,
        kind_labels=labels.KIND_LABELS,
        status_labels=labels.STATUS_LABELS,
        reject_form=RejectForm(),
    )


def _back_to_queue() -> ResponseReturnValue:
    target = request.form.get("next", "")
    if target.startswith("/admin/referrals/") and "//" not in target:
        return redirect(target)
    return redirect(url_for("admin_referrals.commissions"))


@bp.post("/commissions/<int:commission_id>/approve")
@permission_required(WORK)
def approve(commission_id: int) -> ResponseReturnValue:
    if get_owned(Commission, current_tenant, commission_id) is None:
        abort(404)
    try:
        commission = earnings.approve(current_tenant, commission_id, current_user.id)
    except UserError as exc:
        db.session.rollback()
        flash(exc.message)
        return _back_to_queue()
    db.session.commit()
    shown = format_minor(commission.amount_minor, commission.currency)
    _audit("referral.commission_approved", f"commission={commission.id} {shown}")
    flash(f"Approved the commission of {shown}.")
    return _back_to_queue()


@bp.route("/commissions/<int:commission_id>/reject", methods=["GET", "POST"])
@permission_required(WORK)
def reject(commission_id: int) -> ResponseReturnValue:
    commission = get_owned(Commission, current_tenant, commission_id) or abort(404)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            earnings.reject(current_tenant, commission_id, current_user.id, form.reason.data or "")
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="reason")
        else:
            db.session.commit()
            shown = format_minor(commission.amount_minor, commission.currency)
            _audit("referral.commission_rejected", f"commission={commission.id} {shown}")
            flash(f"Rejected the commission of {shown}.")
            return _back_to_queue()
    return render_template(
        "admin/referrals/reject.html",
        form=form,
        commission=commission,
        kind_labels=labels.KIND_LABELS,
    ), form_status(form)


@bp.route("/referrers/<int:code_id>", methods=["GET", "POST"])
@permission_required(WORK)
def referrer(code_id: int) -> ResponseReturnValue:
    code = get_owned(ReferralCode, current_tenant, code_id) or abort(404)
    currency = firm_currency(current_tenant)
    form = PayoutForm()
    if request.method == "GET":
        form.paid_on.data = date.today().isoformat()
    if form.validate_on_submit():
        try:
            amount = parse_amount(form.amount.data or "", currency, "amount")
            payout = earnings.record_payout(
                current_tenant,
                code,
                amount_minor=amount,
                currency=currency,
                method=form.method.data or "",
                paid_on=parse_paid_on(form.paid_on.data or ""),
                reference=form.reference.data or "",
                staff_id=current_user.id,
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="amount")
        else:
            db.session.commit()
            shown = format_minor(payout.amount_minor, payout.currency)
            _audit("referral.payout_recorded", f"referrer={code.id} payout={payout.id} {shown}")
            flash(f"Recorded a payout of {shown}.")
            return redirect(url_for("admin_referrals.referrer", code_id=code.id))
    row = db.session.execute(
        earnings.referrers_query(current_tenant).where(ReferralCode.id == code.id)
    ).one()
    totals = earnings.totals_of(current_tenant, code.id)
    if request.method == "GET" and totals.approved_minor > 0:
        form.amount.data = format_plain(totals.approved_minor, currency)
    page = paginate(earnings.commissions_query(current_tenant, code_id=code.id),
                    page_number(request.args))  # fmt: skip
    payouts = paginate(earnings.payouts_query(current_tenant, code.id),
                       page_number(request.args, "payouts"), per_page=20)  # fmt: skip
    return render_template(
        "admin/referrals/referrer.html",
        code=code,
        account_name=row[1],
        contact_name=row[2] or row[3],
        totals=totals,
        currency=currency,
        form=form,
        page=page,
        payouts=payouts,
        kind_labels=labels.KIND_LABELS,
        status_labels=labels.STATUS_LABELS,
        method_labels=METHOD_LABELS,
    ), form_status(form)


@bp.route("/settings", methods=["GET", "POST"])
@permission_required(SETTINGS)
def settings() -> ResponseReturnValue:
    row = programme.settings_of(current_tenant)
    currency = firm_currency(current_tenant)
    form = SettingsForm()
    if request.method == "GET":
        form.enabled.data = row.enabled
        form.audience.data = row.audience or Audience.ALL
        form.tags.data = row.tags.replace(",", ", ")
        form.cookie_days.data = str(row.cookie_days)
        form.percent.data = labels.percent_text(row.percent_bps)
        form.signup_amount.data = format_plain(row.signup_minor, currency)
        form.terms.data = row.terms
    if form.validate_on_submit():
        try:
            programme.save_settings(
                current_tenant,
                programme.SettingsInput(
                    enabled=bool(form.enabled.data),
                    audience=form.audience.data or "",
                    tags=form.tags.data or "",
                    cookie_days=form.cookie_days.data or "",
                    percent=form.percent.data or "",
                    signup_amount=form.signup_amount.data or "",
                    terms=form.terms.data or "",
                ),
                currency,
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="enabled")
        else:
            db.session.commit()
            _audit("referral.settings_changed", "on" if form.enabled.data else "off")
            flash("Referral settings saved.")
            return redirect(url_for("admin_referrals.settings"))
    return render_template(
        "admin/referrals/settings.html", form=form, currency=currency
    ), form_status(form)
