"""The client's Messages: the current account's threads, a thread with live updates, replies,
and new conversations."""

from __future__ import annotations

from flask import abort, g, redirect, request, url_for
from flask.typing import ResponseReturnValue

from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate
from portal.files.uploads import large_body
from portal.messaging.attachments import attachment_download, store_uploads
from portal.messaging.models import Thread
from portal.messaging.threads import (
    get_attachment,
    post_message,
    start_thread,
    thread_for_account,
    thread_rows_query,
    to_rows,
)
from portal.web.modules.blueprints import module_blueprint
from portal.web.modules.conversation import (
    NewThreadForm,
    ReplyForm,
    me,
    poll,
    thread_context,
    uploads,
)
from portal.web.modules.pages import render_module_page
from portal.web.session import client_required
from tenants.context import current_tenant

bp = module_blueprint("messages", __name__)
ATTACHMENT_ENDPOINT = "messages.attachment"


def _thread_or_404(thread_id: int) -> Thread:
    return thread_for_account(current_tenant, thread_id, g.account.id) or abort(404)


@bp.get("/", endpoint="index")
@client_required
def index() -> str:
    query = thread_rows_query(current_tenant, me(), account_id=g.account.id)
    page = paginate(query, page_number(request.args))
    page_rows = to_rows(page.items)
    return render_module_page("messages", "portal/messages/index.html", page=page, rows=page_rows)


@bp.route("/new", methods=["GET", "POST"])
@client_required
@large_body
def new() -> ResponseReturnValue:
    form = NewThreadForm()
    if form.validate_on_submit():
        try:
            attachments = store_uploads(current_tenant, g.account.id, me(), uploads())
            thread, _ = start_thread(
                current_tenant,
                g.account.id,
                me(),
                form.subject.data or "",
                form.body.data or "",
                attachments=attachments,
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="body")
        else:
            db.session.commit()
            return redirect(url_for("messages.show", thread_id=thread.id), 303)
    page = render_module_page("messages", "portal/messages/new.html", form=form)
    return page, form_status(form)


@bp.route("/<int:thread_id>", methods=["GET", "POST"])
@client_required
@large_body
def show(thread_id: int) -> ResponseReturnValue:
    thread = _thread_or_404(thread_id)
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
            return redirect(url_for("messages.show", thread_id=thread.id, _anchor="latest"), 303)
    context = thread_context(thread)
    page = render_module_page(
        "messages",
        "portal/messages/thread.html",
        form=form,
        attachment_endpoint=ATTACHMENT_ENDPOINT,
        attachment_args={"thread_id": thread.id},
        poll_url=url_for("messages.poll", thread_id=thread.id),
        **context,
    )
    return page, form_status(form)


@bp.get("/<int:thread_id>/poll", endpoint="poll")
@client_required
def poll_thread(thread_id: int) -> ResponseReturnValue:
    thread = _thread_or_404(thread_id)
    return poll(thread, ATTACHMENT_ENDPOINT, {"thread_id": thread.id})


@bp.get("/<int:thread_id>/attachments/<int:attachment_id>")
@client_required
def attachment(thread_id: int, attachment_id: int) -> ResponseReturnValue:
    thread = _thread_or_404(thread_id)
    found = get_attachment(current_tenant, thread, attachment_id) or abort(404)
    return attachment_download(current_tenant, found)
