"""Paying invoices: "Pay now" from an invoice (the provider's checkout, or the firm's payment
instructions), saved cards (list, add, remove), the no-login "view and pay" link page, and the
provider's webhook.

The webhook is CSRF-exempt (Stripe cannot hold a session); the provider's signature with the
firm's webhook secret is what authenticates it. It answers 400 to anything unsigned or stale.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import InputRequired

from portal.audit.service import Outcome, record
from portal.billing.models import Invoice, InvoiceStatus
from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import csrf, db
from portal.core.http import no_referrer
from portal.core.ratelimit import enforce
from portal.modules.service import is_enabled
from portal.payments import online, paylinks
from portal.payments.models import SavedPaymentMethod
from portal.payments.paylinks import ResolvedPayLink
from portal.payments.providers import WebhookRefused
from portal.web.modules.pages import render_module_page
from portal.web.session import client_required
from tenants.context import current_tenant, tenant_url
from tenants.scoping import get_owned
from themes.loader import render_themed

bp = Blueprint("payments", __name__, url_prefix="/payments")


class PayForm(FlaskForm):
    """The "Pay now" button: CSRF only; the amount is what the invoice still owes."""


class RemoveForm(FlaskForm):
    confirm = BooleanField(_l("Yes, remove this card"), validators=[InputRequired()])


def _invoices_on() -> None:
    if not is_enabled(current_tenant.id, "invoices"):
        abort(404)


def _own_invoice(invoice_id: int) -> Invoice:
    """The current account's sent invoice; anything else is a 404."""
    _invoices_on()
    invoice = get_owned(Invoice, current_tenant, invoice_id)
    if invoice is None or invoice.account_id != g.account.id:
        abort(404)
    if invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.VOID):
        abort(404)
    return invoice


def _url(endpoint: str, **values: object) -> str:
    return tenant_url(current_tenant.canonical_host, endpoint, **values)


def _checkout(invoice: Invoice, email: str, cancel_url: str) -> ResponseReturnValue | None:
    """Redirect to the provider, or None after flashing why not (shown on the page)."""
    try:
        target = online.start_checkout(
            current_tenant, invoice, _url("payments.done"), cancel_url, email
        )
    except UserError as exc:
        flash(exc.message)
        return None
    return redirect(target, 303)


@bp.route("/invoice/<int:invoice_id>", methods=["GET", "POST"])
@client_required
def pay(invoice_id: int) -> ResponseReturnValue:
    invoice = _own_invoice(invoice_id)
    provider = online.provider_of(current_tenant)
    form = PayForm()
    if request.method == "POST" and form.validate_on_submit() and provider.online:
        enforce("30/hour", "payment-checkout", current_tenant.id, current_user.id)
        cancel = _url("payments.pay", invoice_id=invoice.id)
        answer = _checkout(invoice, current_user.email, cancel)
        if answer is not None:
            return answer
    settings = online.settings_of(current_tenant)
    return render_module_page(
        "invoices",
        "portal/payments/pay.html",
        invoice=invoice,
        online=provider.online,
        instructions=settings.instructions if settings else "",
        form=form,
        action=url_for("payments.pay", invoice_id=invoice.id),
    )


@bp.get("/done")
def done() -> str:
    """Where the provider returns the payer; the webhook records the payment, not this page."""
    return render_themed(current_tenant.theme, "portal/payments/done.html", cancelled=False)


@bp.get("/cancelled")
def cancelled() -> str:
    return render_themed(current_tenant.theme, "portal/payments/done.html", cancelled=True)


@bp.get("/methods")
@client_required
def methods() -> str:
    _invoices_on()
    provider = online.provider_of(current_tenant)
    return render_module_page(
        "invoices",
        "portal/payments/methods.html",
        methods=online.saved_methods(current_tenant, g.account.id),
        online=provider.online,
        form=PayForm(),
    )


@bp.post("/methods/add")
@client_required
def add_method() -> ResponseReturnValue:
    _invoices_on()
    if not PayForm().validate_on_submit():
        abort(400)
    enforce("10/hour", "payment-save-card", current_tenant.id, current_user.id)
    try:
        target = online.start_saving_card(
            current_tenant,
            g.account,
            current_user.email,
            _url("payments.methods"),
            _url("payments.methods"),
        )
    except UserError as exc:
        flash(exc.message)
        return redirect(url_for("payments.methods"))
    return redirect(target, 303)


def _own_method(method_id: int) -> SavedPaymentMethod:
    _invoices_on()
    method = get_owned(SavedPaymentMethod, current_tenant, method_id)
    if method is None or method.account_id != g.account.id:
        abort(404)
    return method


@bp.route("/methods/<int:method_id>/remove", methods=["GET", "POST"])
@client_required
def remove_method(method_id: int) -> ResponseReturnValue:
    method = _own_method(method_id)
    form = RemoveForm()
    if form.validate_on_submit():
        try:
            online.remove_saved_method(current_tenant, method, current_user.email)
        except UserError as exc:
            db.session.rollback()
            flash(exc.message)
            return redirect(url_for("payments.methods"))
        db.session.commit()
        record(
            "payment_method.removed",
            tenant=current_tenant,
            principal_kind="client",
            principal_id=current_user.id,
            outcome=Outcome.SUCCESS,
            detail=f"{method.brand} ending {method.last4}",
        )
        flash(
            _(
                "Removed the %(brand)s card ending %(last4)s.",
                brand=method.brand.title(),
                last4=method.last4,
            )
        )
        return redirect(url_for("payments.methods"))
    status = 422 if request.method == "POST" else 200
    return render_module_page(
        "invoices", "portal/payments/remove.html", method=method, form=form
    ), status


@bp.post("/webhook/stripe")
@csrf.exempt
def stripe_webhook() -> ResponseReturnValue:
    """Stripe's events for this firm: 400 unless signed with the firm's webhook secret."""
    if not online.provider_of(current_tenant).online:
        abort(404)  # no online provider: this firm has no webhook endpoint
    payload = request.get_data(cache=False)
    try:
        outcome = online.handle_webhook(current_tenant, payload, dict(request.headers))
    except WebhookRefused:
        db.session.rollback()
        record("payment_webhook.refused", tenant=current_tenant, outcome=Outcome.REFUSED)
        return {"error": "signature"}, 400
    return {"received": True, "outcome": outcome}, 200


def _link_or_none(token: str) -> ResolvedPayLink | None:
    enforce("120/hour", "pay-link-ip", current_tenant.id, request.remote_addr or "-")
    resolved = paylinks.resolve_pay_link(current_tenant, token)
    if resolved is None:
        db.session.rollback()
        record("pay_link.invalid", tenant=current_tenant, outcome=Outcome.REFUSED)
    return resolved


@bp.route("/link/<token>", methods=["GET", "POST"])
@no_referrer
def link(token: str) -> ResponseReturnValue:
    """One invoice, without signing in: GET shows it, only the POST starts a payment."""
    resolved = _link_or_none(token)
    if resolved is None:
        return render_themed(current_tenant.theme, "portal/actions/invalid.html"), 404
    invoice = resolved.invoice
    provider = online.provider_of(current_tenant)
    form = PayForm()
    if request.method == "POST" and form.validate_on_submit() and provider.online:
        resolved.link.last_used_at = utcnow()
        cancel = _url("payments.link", token=token)
        answer = _checkout(invoice, resolved.link.email, cancel)
        db.session.commit()
        if answer is not None:
            return answer
    settings = online.settings_of(current_tenant)
    return render_themed(
        current_tenant.theme,
        "portal/payments/link.html",
        invoice=invoice,
        online=provider.online,
        instructions=settings.instructions if settings else "",
        form=form,
        action=url_for("payments.link", token=token),
    )
