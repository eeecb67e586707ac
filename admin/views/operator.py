"""The operator console on the platform host: sign in, tenants, the development mailbox."""

from __future__ import annotations

from email.errors import HeaderParseError
from email.header import decode_header, make_header
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response

from admin.access import operator_required
from admin.forms import CreateTenantForm
from admin.views.operator_tenants import tenant_list
from portal.auth.forms import SignInForm
from portal.auth.models import Operator
from portal.auth.principals import sign_out_everywhere
from portal.auth.signin import one, sign_in_with
from portal.auth.staff import provision_tenant
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import Page, page_number, paginate, sort_key
from portal.mail.models import OutboxMessage, OutboxStatus
from tenants.models import Tenant

bp = Blueprint("operator", __name__, url_prefix="/operator")
MAILBOX_SORTS = ("created", "to", "subject", "status")


@bp.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
def sign_in_page() -> ResponseReturnValue:
    form = SignInForm()
    response = sign_in_with(form, "operator", one(_find_operator), url_for("operator.index"))
    return response or (
        render_template("admin/operator/sign_in.html", form=form),
        form_status(form),
    )


@bp.post("/sign-out")
@operator_required
def sign_out() -> Response:
    sign_out_everywhere(current_user._get_current_object())
    db.session.commit()
    return redirect(url_for("operator.sign_in"))


@bp.get("/")
@operator_required
def index() -> str:
    """The searchable, paginated tenant list (admin/views/operator_tenants.py)."""
    return tenant_list()


@bp.route("/tenants/new", methods=["GET", "POST"])
@operator_required
def new_tenant() -> ResponseReturnValue:
    form = CreateTenantForm()
    if form.validate_on_submit():
        try:
            tenant, _link = provision_tenant(
                form.slug.data or "", form.name.data or "", form.owner_email.data or ""
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="owner_email")
        else:
            db.session.commit()
            flash(f"Tenant {tenant.name} created; the owner has been emailed an invitation.")
            return redirect(url_for("operator.index"))
    return render_template("admin/operator/tenant_new.html", form=form), form_status(form)


@bp.get("/mailbox")
@operator_required
def mailbox() -> str:
    """Every email in the outbox, a page at a time: search subject and addresses, filter by
    tenant, recipient, status and kind."""
    sort, descending = sort_key(request.args, MAILBOX_SORTS, "-created")
    column = {
        "created": OutboxMessage.id,
        "to": func.lower(OutboxMessage.to_address),
        "subject": func.lower(OutboxMessage.subject),
        "status": OutboxMessage.status,
    }[sort]
    query: Any = (  # Select[OutboxMessage, str]: paginate() types one column only
        select(OutboxMessage, Tenant.slug)
        .outerjoin(Tenant, Tenant.id == OutboxMessage.tenant_id)
        .order_by(column.desc() if descending else column.asc(), OutboxMessage.id.desc())
    )
    to = (request.args.get("to") or "").strip().lower()[:320]
    if to:
        query = query.where(func.lower(OutboxMessage.to_address).like(f"%{to}%"))
    search = (request.args.get("q") or "").strip().lower()[:200]
    if search:
        query = query.where(
            or_(
                func.lower(OutboxMessage.subject).like(f"%{search}%"),
                func.lower(OutboxMessage.from_address).like(f"%{search}%"),
                func.lower(OutboxMessage.to_address).like(f"%{search}%"),
            )
        )
    tenant_slug = (request.args.get("tenant") or "").strip().lower()[:32]
    if tenant_slug:
        query = query.where(Tenant.slug == tenant_slug)
    status = request.args.get("status", "")
    if status in {s.value for s in OutboxStatus}:
        query = query.where(OutboxMessage.status == status)
    kind = (request.args.get("kind") or "").strip()[:40]
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    rows = paginate(query, page_number(request.args))
    # Rows of (message, tenant slug): the tenant column of the mailbox.
    page = Page([tuple(row) for row in rows.items], rows.number, rows.per_page, rows.has_next)
    return render_template(
        "admin/operator/mailbox.html",
        page=page,
        sort=sort,
        descending=descending,
        args=request.args,
        statuses=[s.value for s in OutboxStatus],
        decoded=decoded_header,
    )


@bp.get("/mailbox/<int:message_id>")
@operator_required
def message(message_id: int) -> str:
    """Headers decoded from RFC 2047; the HTML part is shown in a frame with `sandbox=""` and
    `srcdoc` (no scripts, an opaque origin, the console's own CSP inherited)."""
    row = db.session.get(OutboxMessage, message_id) or abort(404)
    headers = {
        "From": decoded_header(row.from_address),
        "Reply-To": decoded_header(row.reply_to or ""),
        "To": decoded_header(row.to_address),
        "Subject": decoded_header(row.subject),
        "Message-ID": row.message_id,
    }
    return render_template("admin/operator/message.html", message=row, headers=headers)


def decoded_header(value: str) -> str:
    """`=?utf-8?q?Acme_CPA?= <no-reply@…>` as a person reads it: `Acme CPA <no-reply@…>`."""
    try:
        return str(make_header(decode_header(value)))
    except (HeaderParseError, LookupError, UnicodeDecodeError):
        return value  # shown as stored rather than not at all


def _find_operator(email: str) -> Operator | None:
    return db.session.scalar(select(Operator).where(Operator.email == email))
