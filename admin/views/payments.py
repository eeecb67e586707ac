"""Staff payment pages: the payments list, recording a payment or refund from an invoice
(applied to one or several of the account's invoices), and the firm's payment settings.

Every teammate who works with clients may record payments; the provider settings (Stripe keys)
need the settings permission. Stored secrets are never shown back, only their last four.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from admin.access import permission_required
from admin.forms import SelectChoice
from portal.audit.service import Outcome, record
from portal.auth.roles import Permission
from portal.billing.models import Invoice, InvoiceStatus
from portal.billing.money import format_minor, parse_amount
from portal.clients.models import ClientAccount
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate
from portal.payments import online, recording, secrets
from portal.payments.models import METHOD_LABELS, Payment, ProviderName
from portal.payments.recording import Allocation
from tenants.context import current_tenant, tenant_url
from tenants.scoping import get_owned, owned

bp = Blueprint("admin_payments", __name__, url_prefix="/admin/payments")
WORK = Permission.WORK_WITH_CLIENTS
SETTINGS = Permission.MANAGE_SETTINGS
MAX_INVOICES = 50
PROVIDERS = [
    SelectChoice(ProviderName.MANUAL.value, "Manual: clients see your payment instructions"),
    SelectChoice(ProviderName.STRIPE.value, "Stripe: clients pay by card online"),
]


class RecordForm(FlaskForm):
    kind = SelectField(
        "Record", choices=[SelectChoice("payment", "A payment"), SelectChoice("refund", "A refund")]
    )
    amount = StringField("Amount", validators=[Length(max=30)])
    paid_on = StringField("Date (YYYY-MM-DD)", validators=[Length(max=20)])
    method = SelectField(
        "Method", choices=[SelectChoice(m.value, label) for m, label in METHOD_LABELS.items()]
    )
    reference = StringField("Reference", validators=[Length(max=200)])


class SettingsForm(FlaskForm):
    provider = SelectField("How clients pay online", choices=PROVIDERS)
    instructions = TextAreaField(
        "Payment instructions shown to clients", validators=[Length(max=4000)]
    )
    pay_without_sign_in = BooleanField(
        "“View and pay” links in invoice emails work without signing in"
    )
    stripe_publishable_key = StringField("Stripe publishable key", validators=[Length(max=200)])
    stripe_secret_key = PasswordField("Stripe secret key", validators=[Length(max=300)])
    stripe_webhook_secret = PasswordField(
        "Stripe webhook signing secret", validators=[Length(max=300)]
    )


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
    raw = request.args.get("account_id", "")
    account = get_owned(ClientAccount, current_tenant, int(raw)) if raw.isdigit() else None
    query = (
        owned(Payment, current_tenant)
        .join(
            ClientAccount,
            (ClientAccount.tenant_id == Payment.tenant_id)
            & (ClientAccount.id == Payment.account_id),
        )
        .add_columns(ClientAccount.name)
        .order_by(Payment.paid_on.desc(), Payment.id.desc())
    )
    if account is not None:
        query = query.where(Payment.account_id == account.id)
    page = paginate(query, page_number(request.args))
    numbers = recording.invoice_numbers(current_tenant.id, [row[0].id for row in page.items])
    return render_template("admin/payments/index.html", page=page, numbers=numbers, account=account)


def _candidates(anchor: Invoice, refund: bool) -> list[Invoice]:
    """The account's invoices a payment can go to (open ones) or a refund come from (paid)."""
    query = owned(Invoice, current_tenant, Invoice.account_id == anchor.account_id,
                  Invoice.currency == anchor.currency)  # fmt: skip
    if refund:
        query = query.where(Invoice.paid_minor > 0)
    else:
        query = query.where(Invoice.status.in_((InvoiceStatus.SENT, InvoiceStatus.PARTIALLY_PAID)))
    rows = list(db.session.scalars(query.order_by(Invoice.sequence).limit(MAX_INVOICES)))
    return rows if anchor in rows else [anchor, *rows]


def _allocations(anchor: Invoice, candidates: list[Invoice], amount: int) -> list[Allocation]:
    """Parts typed per invoice; none typed means the whole amount goes to this invoice."""
    parts = []
    for invoice in candidates:
        raw = (request.form.get(f"part-{invoice.id}") or "").strip()
        if raw:
            value = parse_amount(raw, invoice.currency, "amount")
            if value < 0:
                raise UserError(
                    "Type amounts without a minus sign; choose “A refund” instead.", "amount"
                )
            parts.append(Allocation(invoice.id, value))
    return parts or [Allocation(anchor.id, amount)]


@bp.route("/record/<int:invoice_id>", methods=["GET", "POST"])
@permission_required(WORK)
def record_payment(invoice_id: int) -> ResponseReturnValue:
    anchor = get_owned(Invoice, current_tenant, invoice_id) or abort(404)
    form = RecordForm()
    refund = (request.form.get("kind") or request.args.get("kind")) == "refund"
    candidates = _candidates(anchor, refund)
    if request.method == "GET":
        form.kind.data = "refund" if refund else "payment"
        form.paid_on.data = date.today().isoformat()
    if form.validate_on_submit():
        try:
            amount = parse_amount(form.amount.data or "", anchor.currency, "amount")
            if amount <= 0:
                raise UserError(
                    "Type an amount above zero (choose “A refund” to give money back).", "amount"
                )
            paid_on = recording.parse_paid_on(form.paid_on.data or "")
            parts = _allocations(anchor, candidates, amount)
            sign = -1 if refund else 1
            payment = recording.record_payment(
                current_tenant,
                anchor.account_id,
                amount_minor=sign * amount,
                paid_on=paid_on,
                method=form.method.data or "",
                allocations=[Allocation(p.invoice_id, sign * p.amount_minor) for p in parts],
                reference=form.reference.data or "",
                staff_id=current_user.id,
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="amount")
        else:
            db.session.commit()
            label = "refund" if refund else "payment"
            _audit(
                f"payment.{label}_recorded",
                f"payment={payment.id} {format_minor(payment.amount_minor, payment.currency)}",
            )
            shown = format_minor(abs(payment.amount_minor), payment.currency)
            flash(f"Recorded the {label} of {shown}.")
            return redirect(url_for("admin_invoices.show", invoice_id=anchor.id))
    return render_template(
        "admin/payments/record.html",
        form=form,
        anchor=anchor,
        candidates=candidates,
        refund=refund,
        typed={key: request.form.get(key, "") for key in request.form if key.startswith("part-")},
    ), form_status(form)


@bp.route("/settings", methods=["GET", "POST"])
@permission_required(SETTINGS)
def settings() -> ResponseReturnValue:
    row = online.settings_of(current_tenant)
    form = SettingsForm(obj=row) if request.method == "GET" and row else SettingsForm()
    if request.method == "GET" and row is None:
        form.pay_without_sign_in.data = True
    if form.validate_on_submit():
        try:
            online.save_settings(
                current_tenant,
                online.SettingsInput(
                    provider=form.provider.data or "",
                    instructions=form.instructions.data or "",
                    pay_without_sign_in=bool(form.pay_without_sign_in.data),
                    stripe_publishable_key=form.stripe_publishable_key.data or "",
                    stripe_secret_key=form.stripe_secret_key.data or "",
                    stripe_webhook_secret=form.stripe_webhook_secret.data or "",
                ),
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="provider")
        else:
            db.session.commit()
            _audit("payment_settings.changed", f"provider={form.provider.data}")
            flash("Payment settings saved.")
            return redirect(url_for("admin_payments.settings"))
    return render_template(
        "admin/payments/settings.html",
        form=form,
        secret_hint=secrets.masked(row.stripe_secret_key_enc) if row else "",
        webhook_hint=secrets.masked(row.stripe_webhook_secret_enc) if row else "",
        webhook_url=tenant_url(current_tenant.canonical_host, "payments.stripe_webhook"),
    ), form_status(form)
