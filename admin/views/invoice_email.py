"""Staff "Email" of an invoice (seed 002): To, CC, BCC, "Invite recipients to client portal",
a preview of the email; and the firm's choice of how invitations travel with invoices."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, Length

from admin.access import permission_required
from portal.audit.service import Outcome, record
from portal.auth.roles import Permission
from portal.billing import emailing
from portal.billing.models import Invoice, InvoiceStatus
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.mail.templates import Rendered, preview_email
from portal.payments.paylinks import enabled as pay_links_enabled
from portal.payments.paylinks import issue_pay_link
from tenants.context import current_tenant
from tenants.models import Tenant
from tenants.scoping import get_owned

bp = Blueprint("admin_invoice_email", __name__, url_prefix="/admin/invoice-email")


class EmailForm(FlaskForm):
    to = StringField("To", validators=[Length(max=4000)])
    cc = StringField("CC", validators=[Length(max=4000)])
    bcc = StringField("BCC", validators=[Length(max=4000)])
    invite = BooleanField("Invite recipients to client portal")
    confirm = BooleanField("I understand", validators=[InputRequired()])


class SettingsForm(FlaskForm):
    invoice_invite_separately = BooleanField(
        "Send portal invitations as a separate email (otherwise inside the invoice email)"
    )


def _staff_label() -> str:
    return f"{current_user.display_name} (team)"


def _invoice_or_404(invoice_id: int) -> Invoice:
    invoice = get_owned(Invoice, current_tenant, invoice_id)
    if invoice is None or invoice.status == InvoiceStatus.VOID:
        abort(404)
    return invoice


def _preview(invoice: Invoice, invite: bool) -> Rendered:
    """The email as a To recipient sees it, links shown as placeholders (nothing written)."""
    tenant = current_tenant
    host = f"https://{tenant.canonical_host}"
    view = (
        f"{host}/pay/…"
        if pay_links_enabled(tenant)
        else emailing.portal_invoice_link(tenant, invoice)
    )
    firm = db.session.get(Tenant, tenant.id)
    inside = invite and firm is not None and not firm.invoice_invite_separately
    context = emailing.email_context(
        tenant, invoice, view_link=view, invitation=f"{host}/invite/…" if inside else None
    )
    return preview_email(tenant, emailing.INVOICE_KIND, **context)


@bp.route("/<int:invoice_id>", methods=["GET", "POST"])
@permission_required(Permission.WORK_WITH_CLIENTS)
def compose(invoice_id: int) -> ResponseReturnValue:
    invoice = _invoice_or_404(invoice_id)
    form = EmailForm()
    if not form.is_submitted():
        form.to.data = emailing.default_to(current_tenant, invoice)
    if form.validate_on_submit():
        try:
            recipients = emailing.parse_recipients(
                form.to.data or "", form.cc.data or "", form.bcc.data or ""
            )
            outcome = emailing.send_invoice_email(
                current_tenant,
                invoice,
                recipients,
                invite=bool(form.invite.data),
                view_link=lambda email: issue_pay_link(current_tenant, invoice, email),
                invited_by=_staff_label(),
                staff_id=current_user.id,
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="to")
        else:
            db.session.commit()
            _audit(invoice, outcome)
            flash(_summary(invoice, outcome))
            return redirect(url_for("admin_invoices.show", invoice_id=invoice.id))
    page = render_template(
        "admin/invoice_email/compose.html",
        invoice=invoice,
        form=form,
        preview=_preview(invoice, bool(form.invite.data)),
        preview_id="invoice-email-preview",
    )
    return page, form_status(form)


def _summary(invoice: Invoice, outcome: emailing.Outcome) -> str:
    text = f"Invoice {invoice.number} emailed to {', '.join(outcome.sent_to)}."
    if outcome.invited:
        text += f" Invited to the portal: {', '.join(outcome.invited)}."
    if outcome.already_active:
        text += f" Already using the portal: {', '.join(outcome.already_active)}."
    return text


def _audit(invoice: Invoice, outcome: emailing.Outcome) -> None:
    record(
        "invoice.emailed",
        tenant=current_tenant,
        principal_kind="staff",
        principal_id=current_user.id,
        outcome=Outcome.SUCCESS,
        detail=f"invoice={invoice.id} recipients={len(outcome.sent_to)} "
        f"invited={len(outcome.invited)}",
    )


@bp.route("/settings", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SETTINGS)
def settings() -> ResponseReturnValue:
    firm = db.session.get(Tenant, current_tenant.id)
    if firm is None:
        abort(404)
    form = SettingsForm(obj=firm)
    if form.validate_on_submit():
        firm.invoice_invite_separately = bool(form.invoice_invite_separately.data)
        db.session.commit()
        flash("Invoice email settings saved.")
        return redirect(url_for("admin_invoice_email.settings"))
    page = render_template("admin/invoice_email/settings.html", form=form)
    return page, form_status(form)
