"""The client's Requests: "Make a request", the account's requests with their status and
conversation, and the firm's services."""

from __future__ import annotations

from flask import abort, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate
from portal.files.uploads import large_body
from portal.messaging import requests as service
from portal.messaging.attachments import attachment_download, store_uploads
from portal.messaging.models import BODY_MAX, SUBJECT_MAX, ClientRequest, RequestStatus
from portal.messaging.threads import get_attachment, get_thread, post_message
from portal.web.modules.blueprints import module_blueprint
from portal.web.modules.conversation import ReplyForm, me, poll, thread_context, uploads
from portal.web.modules.pages import render_module_page
from portal.web.session import client_required
from tenants.context import current_tenant

bp = module_blueprint("requests", __name__)
ATTACHMENT_ENDPOINT = "requests.attachment"


class RequestForm(FlaskForm):
    type_id = SelectField(_l("What do you need?"), coerce=str, validate_choice=False)
    service_id = SelectField(_l("Service (optional)"), coerce=str, validate_choice=False)
    subject = StringField(_l("Subject"), validators=[Length(max=SUBJECT_MAX + 100)])
    details = TextAreaField(_l("Details"), validators=[Length(max=BODY_MAX + 1000)])


def _request_or_404(request_id: int) -> ClientRequest:
    return service.request_for_account(current_tenant, request_id, g.account.id) or abort(404)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@bp.get("/", endpoint="index")
@client_required
def index() -> str:
    status = request.args.get("status", "")
    query = service.request_rows_query(current_tenant, account_id=g.account.id, status=status)
    page = paginate(query, page_number(request.args))
    return render_module_page(
        "requests",
        "portal/requests/index.html",
        page=page,
        rows=service.to_rows(page.items),
        status=status,
        statuses=list(RequestStatus),
    )


@bp.route("/new", methods=["GET", "POST"])
@client_required
@large_body
def new() -> ResponseReturnValue:
    form = RequestForm()
    types = service.request_types(current_tenant)
    offered = service.services(current_tenant)
    form.type_id.choices = [("", _("Choose…"))] + [(str(t.id), t.name) for t in types]
    form.service_id.choices = [("", _("No particular service"))] + [
        (str(s.id), s.name) for s in offered
    ]
    if request.method == "GET" and request.args.get("service"):
        form.service_id.data = request.args["service"]
    if form.validate_on_submit():
        try:
            attachments = store_uploads(current_tenant, g.account.id, me(), uploads())
            row = service.make_request(
                current_tenant,
                g.account.id,
                me(),
                type_id=_int(form.type_id.data),
                subject=form.subject.data or "",
                details=form.details.data or "",
                service_id=_int(form.service_id.data),
                attachments=attachments,
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="details")
        else:
            db.session.commit()
            return redirect(url_for("requests.show", request_id=row.id), 303)
    else:
        db.session.commit()  # the default request types, made on first use
    page = render_module_page("requests", "portal/requests/new.html", form=form)
    return page, form_status(form)


@bp.get("/services")
@client_required
def services() -> str:
    return render_module_page(
        "requests", "portal/requests/services.html", services=service.services(current_tenant)
    )


@bp.route("/<int:request_id>", methods=["GET", "POST"])
@client_required
@large_body
def show(request_id: int) -> ResponseReturnValue:
    row = _request_or_404(request_id)
    thread = get_thread(current_tenant, row.thread_id) or abort(404)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            attachments = store_uploads(current_tenant, g.account.id, me(), uploads())
            post_message(
                current_tenant, thread, me(), form.body.data or "", attachments=attachments
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="body")
        else:
            db.session.commit()
            return redirect(url_for("requests.show", request_id=row.id, _anchor="latest"), 303)
    context = thread_context(thread)
    page = render_module_page(
        "requests",
        "portal/requests/show.html",
        form=form,
        item=row,
        status_label=service.status_label(row.status),
        attachment_endpoint=ATTACHMENT_ENDPOINT,
        attachment_args={"request_id": row.id},
        poll_url=url_for("requests.poll", request_id=row.id),
        **context,
    )
    return page, form_status(form)


@bp.get("/<int:request_id>/poll", endpoint="poll")
@client_required
def poll_request(request_id: int) -> ResponseReturnValue:
    row = _request_or_404(request_id)
    thread = get_thread(current_tenant, row.thread_id) or abort(404)
    return poll(thread, ATTACHMENT_ENDPOINT, {"request_id": row.id})


@bp.get("/<int:request_id>/attachments/<int:attachment_id>")
@client_required
def attachment(request_id: int, attachment_id: int) -> ResponseReturnValue:
    row = _request_or_404(request_id)
    thread = get_thread(current_tenant, row.thread_id) or abort(404)
    found = get_attachment(current_tenant, thread, attachment_id) or abort(404)
    return attachment_download(current_tenant, found)
