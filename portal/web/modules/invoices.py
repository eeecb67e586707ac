"""The client's Invoices: the current account's sent invoices (overdue ones highlighted), what
is outstanding, each invoice and its PDF, and the account's payment history."""

from __future__ import annotations

from datetime import date

from flask import abort, g, request
from werkzeug.wrappers import Response

from portal.billing import invoices, sending
from portal.billing.history import payment_history
from portal.billing.models import Invoice, InvoiceStatus
from portal.core.pagination import page_number, paginate
from portal.web.locale import local_money
from portal.web.modules.blueprints import module_blueprint
from portal.web.modules.pages import render_module_page
from portal.web.session import client_required
from tenants.context import current_tenant
from tenants.scoping import get_owned

bp = module_blueprint("invoices", __name__)


@bp.app_template_filter("invoice_money")
def invoice_money(amount: int, currency: str) -> str:
    """In the page's language: "1.234,56 €" in German, "EUR 1,234.56" in English."""
    return local_money(amount, currency)


def _invoice_or_404(invoice_id: int) -> Invoice:
    """Only the current account's invoices, once sent: another account's id is a 404."""
    invoice = get_owned(Invoice, current_tenant, invoice_id)
    if invoice is None or invoice.account_id != g.account.id:
        abort(404)
    if invoice.status == InvoiceStatus.DRAFT:
        abort(404)
    return invoice


@bp.get("/", endpoint="index")
@client_required
def index() -> str:
    query = invoices.client_query(current_tenant, g.account.id).order_by(
        Invoice.issue_date.desc(), Invoice.id.desc()
    )
    page = paginate(query, page_number(request.args), per_page=25)
    return render_module_page(
        "invoices",
        "portal/invoices/index.html",
        page=page,
        outstanding=invoices.outstanding_minor(current_tenant, g.account.id),
        payments=payment_history(
            current_tenant, g.account.id, page_number(request.args, "payments")
        ),
        today=date.today(),
    )


@bp.get("/<int:invoice_id>", endpoint="show")
@client_required
def show(invoice_id: int) -> str:
    invoice = _invoice_or_404(invoice_id)
    return render_module_page(
        "invoices",
        "portal/invoices/show.html",
        invoice=invoice,
        lines=invoices.lines_of(current_tenant, invoice),
        today=date.today(),
    )


@bp.get("/<int:invoice_id>/pdf", endpoint="pdf")
@client_required
def pdf(invoice_id: int) -> Response:
    invoice = _invoice_or_404(invoice_id)
    data = sending.invoice_pdf(current_tenant, invoice)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
