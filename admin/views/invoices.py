"""Staff billing pages: invoices (list, create and edit drafts, view, PDF, send, void), the
matters and billing email of an account, and the firm's billing settings.

Every teammate who works with clients may create and send invoices; voiding one and the
billing settings need the settings permission (Owners and Admins).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from admin.access import permission_required
from admin.forms import SelectChoice
from portal.audit.service import Outcome, record
from portal.auth.roles import Permission
from portal.billing import invoices, matters, numbering, sending
from portal.billing.addresses import join_addresses
from portal.billing.models import STATUS_LABELS, Invoice, Matter, MatterStatus
from portal.billing.money import (
    HUNDRED,
    format_minor,
    format_plain,
    normalize_currency,
    parse_amount,
    parse_decimal,
)
from portal.clients import listing
from portal.clients.models import ClientAccount
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate, sort_key
from tenants.context import current_tenant
from tenants.models import Tenant
from tenants.scoping import get_owned

bp = Blueprint("admin_invoices", __name__, url_prefix="/admin/invoices")
WORK = Permission.WORK_WITH_CLIENTS
SETTINGS = Permission.MANAGE_SETTINGS
SORTS = {
    "number": Invoice.sequence,
    "issued": Invoice.issue_date,
    "due": Invoice.due_date,
    "total": Invoice.total_minor,
    "account": ClientAccount.name,
}
MAX_ROWS = 50


@bp.app_template_filter("money")
def money_filter(amount: int, currency: str) -> str:
    return format_minor(amount, currency)


class LineForm(Form):
    description = StringField("Description", validators=[Length(max=500)])
    quantity = StringField("Quantity", default="1")
    unit_price = StringField("Unit price")
    discount = StringField("Discount %", default="0")
    tax = StringField("Tax %", default="0")
    remove = BooleanField("Remove")


class InvoiceForm(FlaskForm):
    account_id = SelectField("Client account", coerce=int, validate_choice=True)
    matter_id = SelectField("Matter", coerce=str, validate_choice=True)
    issue_date = DateField("Issue date", validators=[InputRequired()])
    due_date = DateField("Due date", validators=[InputRequired()])
    notes = TextAreaField("Notes for the client", validators=[Length(max=4000)])
    lines = FieldList(FormField(LineForm), min_entries=1, max_entries=MAX_ROWS)


class ConfirmForm(FlaskForm):
    """A destructive button: CSRF, plus the confirmation box checked on the server."""

    confirm = BooleanField("I understand", validators=[InputRequired()])


class VoidForm(ConfirmForm):
    reason = StringField("Reason", validators=[Length(max=300)])


class MatterForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=200)])
    number = StringField("Matter number", validators=[Optional(), Length(max=40)])
    status = SelectField(
        "Status", choices=[SelectChoice(s.value, s.value.title()) for s in MatterStatus]
    )
    email = StringField("Billing email(s), separated by semicolons")


class BillingEmailForm(FlaskForm):
    billing_email = StringField("Account billing email(s), separated by semicolons")


class BillingSettingsForm(FlaskForm):
    currency = StringField("Currency (ISO 4217 code, e.g. EUR)", validators=[Length(max=3)])
    firm_address = TextAreaField("Firm address printed on invoices", validators=[Length(max=1000)])


def _audit(event: str, detail: str) -> None:
    record(
        event,
        tenant=current_tenant,
        principal_kind="staff",
        principal_id=current_user.id,
        outcome=Outcome.SUCCESS,
        detail=detail,
    )


def _invoice_or_404(invoice_id: int) -> Invoice:
    return get_owned(Invoice, current_tenant, invoice_id) or abort(404)


def _account_or_404(account_id: int) -> ClientAccount:
    return get_owned(ClientAccount, current_tenant, account_id) or abort(404)


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() else None


@bp.get("/")
@permission_required(WORK)
def index() -> str:
    account_id = _int_arg("account_id")
    status = request.args.get("status", "")
    status = status if status in STATUS_LABELS else ""
    overdue = request.args.get("overdue") == "1"
    sort, descending = sort_key(request.args, tuple(SORTS), "-number")
    column = SORTS[sort]
    query = (
        invoices.list_query(current_tenant, status=status, account_id=account_id, overdue=overdue)
        .join(
            ClientAccount,
            (ClientAccount.tenant_id == Invoice.tenant_id)
            & (ClientAccount.id == Invoice.account_id),
        )
        .add_columns(ClientAccount.name)
        .order_by(column.desc() if descending else column, Invoice.id.desc())
    )
    page = paginate(query, page_number(request.args))
    account = get_owned(ClientAccount, current_tenant, account_id) if account_id else None
    return render_template(
        "admin/invoices/index.html",
        page=page,
        status=status,
        overdue=overdue,
        account=account,
        labels=STATUS_LABELS,
        sort=sort,
        descending=descending,
        today=date.today(),
    )


def _chosen_account(form: InvoiceForm) -> ClientAccount | None:
    raw = request.form.get("account_id", "") if request.method == "POST" else ""
    raw = raw or request.args.get("account_id", "")
    account = get_owned(ClientAccount, current_tenant, int(raw)) if raw.isdigit() else None
    form.account_id.choices = [SelectChoice(account.id, account.name)] if account else []
    return account


def _matter_choices(form: InvoiceForm, account: ClientAccount | None) -> None:
    choices = [SelectChoice("", "No matter")]
    if account is not None:
        found = db.session.scalars(matters.matters_of(current_tenant, account.id).limit(200))
        choices += [SelectChoice(str(m.id), f"{m.number} {m.name}".strip()) for m in found]
    form.matter_id.choices = choices


def _lines_from(form: InvoiceForm, currency: str) -> list[invoices.LineInput]:
    """The rows to keep: filled in and not ticked "Remove"; bad numbers name their row."""
    lines = []
    for number, entry in enumerate(form.lines, start=1):
        row = entry.form
        if row.remove.data or not (row.description.data or "").strip():
            continue
        where = f"Line {number}: "
        try:
            lines.append(
                invoices.LineInput(
                    description=row.description.data or "",
                    quantity=parse_decimal(row.quantity.data or "", "line_items"),
                    unit_price_minor=parse_amount(
                        row.unit_price.data or "0", currency, "line_items"
                    ),
                    discount_percent=parse_decimal(
                        row.discount.data or "", "line_items", high=HUNDRED
                    ),
                    tax_percent=parse_decimal(row.tax.data or "", "line_items", high=HUNDRED),
                )
            )
        except UserError as exc:
            raise UserError(where + exc.message, "line_items") from None
    return lines


def _input(form: InvoiceForm, currency: str) -> invoices.InvoiceInput:
    matter = form.matter_id.data or ""
    return invoices.InvoiceInput(
        account_id=form.account_id.data,
        matter_id=int(matter) if matter.isdigit() else None,
        issue_date=form.issue_date.data or date.today(),
        due_date=form.due_date.data or date.today(),
        notes=form.notes.data or "",
        lines=_lines_from(form, currency),
    )


def _editor(form: InvoiceForm, invoice: Invoice | None, account: ClientAccount | None) -> Any:
    """Save, or add a row ("Add line" works without JavaScript), or show the errors."""
    currency = invoice.currency if invoice else invoices.firm_currency(current_tenant)
    adding = "add_line" in request.form
    if adding and len(form.lines) < MAX_ROWS:
        form.lines.append_entry()
    elif form.validate_on_submit():
        try:
            data = _input(form, currency)
            if invoice is None:
                invoice = invoices.create_invoice(current_tenant, data, current_user.id)
                event = "invoice.created"
            else:
                invoices.update_draft(current_tenant, invoice, data)
                event = "invoice.edited"
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc)
        else:
            db.session.commit()
            _audit(event, f"invoice={invoice.id} number={invoice.label}")
            flash(f"{invoice.label} saved. It gets its number when it is sent.")
            return redirect(url_for("admin_invoices.show", invoice_id=invoice.id))
    search = (request.args.get("q") or "").strip()[:200]
    page = render_template(
        "admin/invoices/edit.html",
        form=form,
        invoice=invoice,
        chosen=account,
        search=search,
        found=listing.search_accounts(current_tenant.id, search) if search else [],
        currency=currency,
    )
    return page, 200 if adding else form_status(form)


@bp.route("/new", methods=["GET", "POST"])
@permission_required(WORK)
def new() -> ResponseReturnValue:
    form = InvoiceForm()
    account = _chosen_account(form)
    _matter_choices(form, account)
    if request.method == "GET":
        form.issue_date.data = date.today()
        form.due_date.data = date.today() + timedelta(days=30)
        if account is not None:
            form.account_id.data = account.id
        matter = _int_arg("matter_id")
        form.matter_id.data = str(matter) if matter else ""
    return _editor(form, None, account)


@bp.route("/<int:invoice_id>/edit", methods=["GET", "POST"])
@permission_required(WORK)
def edit(invoice_id: int) -> ResponseReturnValue:
    invoice = _invoice_or_404(invoice_id)
    if invoice.status != "draft":
        flash("Only a draft can be edited; this invoice has been sent.")
        return redirect(url_for("admin_invoices.show", invoice_id=invoice.id))
    form = InvoiceForm(obj=invoice if request.method == "GET" else None)
    account = _account_or_404(invoice.account_id)
    form.account_id.choices = [SelectChoice(account.id, account.name)]
    _matter_choices(form, account)
    if request.method == "GET":
        form.account_id.data = account.id
        form.matter_id.data = str(invoice.matter_id or "")
        while len(form.lines):
            form.lines.pop_entry()
        for line in invoices.lines_of(current_tenant, invoice):
            form.lines.append_entry(
                {
                    "description": line.description,
                    "quantity": f"{line.quantity.normalize():f}",
                    "unit_price": format_plain(line.unit_price_minor, invoice.currency),
                    "discount": f"{line.discount_percent.normalize():f}",
                    "tax": f"{line.tax_percent.normalize():f}",
                }
            )
    return _editor(form, invoice, account)


@bp.get("/<int:invoice_id>")
@permission_required(WORK)
def show(invoice_id: int) -> str:
    invoice = _invoice_or_404(invoice_id)
    return render_template(
        "admin/invoices/show.html",
        invoice=invoice,
        account=_account_or_404(invoice.account_id),
        matter=get_owned(Matter, current_tenant, invoice.matter_id),
        lines=invoices.lines_of(current_tenant, invoice),
        send_form=ConfirmForm(),
        today=date.today(),
    )


@bp.get("/<int:invoice_id>/pdf")
@permission_required(WORK)
def pdf(invoice_id: int) -> Response:
    invoice = _invoice_or_404(invoice_id)
    return pdf_response(sending.invoice_pdf(current_tenant, invoice), invoice)


def pdf_response(data: bytes, invoice: Invoice) -> Response:
    response = Response(data, mimetype="application/pdf")
    name = invoice.number or f"draft-{invoice.id}"
    response.headers["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<int:invoice_id>/send")
@permission_required(WORK)
def send(invoice_id: int) -> ResponseReturnValue:
    invoice = _invoice_or_404(invoice_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("Tick “I understand” to send the invoice.")
        return redirect(url_for("admin_invoices.show", invoice_id=invoice.id))
    try:
        sending.send_invoice(current_tenant, invoice)
    except UserError as exc:
        db.session.rollback()
        flash(exc.message)
    else:
        db.session.commit()
        _audit("invoice.sent", f"invoice={invoice.id} number={invoice.label}")
        flash(f"Invoice {invoice.number} is sent: the client sees it in the portal.")
    return redirect(url_for("admin_invoices.show", invoice_id=invoice.id))


@bp.route("/<int:invoice_id>/void", methods=["GET", "POST"])
@permission_required(SETTINGS)
def void(invoice_id: int) -> ResponseReturnValue:
    invoice = _invoice_or_404(invoice_id)
    form = VoidForm()
    if form.validate_on_submit():
        try:
            invoices.void_invoice(invoice, form.reason.data or "")
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="confirm")
        else:
            db.session.commit()
            _audit("invoice.voided", f"invoice={invoice.id} number={invoice.label}")
            kept = " Its number stays used." if invoice.number else ""
            flash(f"{invoice.label} is void.{kept}")
            return redirect(url_for("admin_invoices.show", invoice_id=invoice.id))
    page = render_template("admin/invoices/void.html", invoice=invoice, form=form)
    return page, form_status(form)


@bp.route("/accounts/<int:account_id>/matters", methods=["GET", "POST"])
@permission_required(WORK)
def account_matters(account_id: int) -> ResponseReturnValue:
    """An account's matters (add one here) and its billing email."""
    account = _account_or_404(account_id)
    form = MatterForm(prefix="matter")
    email_form = BillingEmailForm(prefix="billing", obj=account)
    if "billing-billing_email" in request.form and email_form.validate_on_submit():
        try:
            account.billing_email = join_addresses(
                email_form.billing_email.data or "", "billing_email"
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(email_form, exc, default_field="billing_email")
        else:
            db.session.commit()
            flash("Billing email saved.")
            return redirect(url_for("admin_invoices.account_matters", account_id=account.id))
    elif "matter-name" in request.form and form.validate_on_submit():
        try:
            matter = matters.save_matter(
                current_tenant,
                account,
                name=form.name.data or "",
                number=form.number.data or "",
                status=form.status.data or MatterStatus.OPEN,
                email=form.email.data or "",
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="name")
        else:
            db.session.commit()
            _audit("matter.created", f"matter={matter.id} account={account.id}")
            flash(f"Matter “{matter.name}” added.")
            return redirect(url_for("admin_invoices.account_matters", account_id=account.id))
    page = paginate(matters.matters_of(current_tenant, account.id), page_number(request.args))
    status = 422 if form.errors or email_form.errors else 200
    return render_template(
        "admin/invoices/matters.html",
        account=account,
        page=page,
        form=form,
        email_form=email_form,
    ), status


@bp.route("/matters/<int:matter_id>/edit", methods=["GET", "POST"])
@permission_required(WORK)
def edit_matter(matter_id: int) -> ResponseReturnValue:
    matter = get_owned(Matter, current_tenant, matter_id) or abort(404)
    account = _account_or_404(matter.account_id)
    form = MatterForm(obj=matter)
    if form.validate_on_submit():
        try:
            matters.save_matter(
                current_tenant,
                account,
                name=form.name.data or "",
                number=form.number.data or "",
                status=form.status.data or MatterStatus.OPEN,
                email=form.email.data or "",
                matter=matter,
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="name")
        else:
            db.session.commit()
            _audit("matter.edited", f"matter={matter.id}")
            flash("Matter saved.")
            return redirect(url_for("admin_invoices.account_matters", account_id=account.id))
    page = render_template(
        "admin/invoices/matter_edit.html", matter=matter, account=account, form=form
    )
    return page, form_status(form)


@bp.route("/settings", methods=["GET", "POST"])
@permission_required(SETTINGS)
def settings() -> ResponseReturnValue:
    tenant = db.session.get(Tenant, current_tenant.id) or abort(404)
    form = BillingSettingsForm(obj=tenant)
    if request.method == "GET" and not tenant.currency:
        form.currency.data = invoices.firm_currency(current_tenant)
    if form.validate_on_submit():
        try:
            tenant.currency = normalize_currency(form.currency.data or "")
        except UserError as exc:
            show_on_form(form, exc, default_field="currency")
        else:
            tenant.firm_address = (form.firm_address.data or "").strip()
            db.session.commit()
            _audit("settings.billing", f"currency={tenant.currency}")
            flash("Billing settings saved. New invoices use this currency.")
            return redirect(url_for("admin_invoices.settings"))
    check = numbering.check_sequence(current_tenant)
    page = render_template("admin/invoices/settings.html", form=form, check=check)
    return page, form_status(form)
