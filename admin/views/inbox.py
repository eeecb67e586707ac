"""Staff inbox: every conversation of the firm, filters, assignment, replies, live updates."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from admin.access import staff_required
from admin.views import firm
from portal.audit.service import Outcome, record
from portal.clients import directory
from portal.clients.models import ClientAccount
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate
from portal.files.uploads import large_body
from portal.messaging import requests as request_service
from portal.messaging import threads
from portal.messaging.attachments import attachment_download, store_uploads
from portal.messaging.models import BODY_MAX, SUBJECT_MAX, ClientRequest, Side, Thread
from tenants.context import current_tenant
from tenants.scoping import owned

bp = Blueprint("admin_inbox", __name__, url_prefix="/admin/inbox")
POLL_SECONDS = 5
ACCOUNT_SUGGESTIONS = 10
DASHBOARD_WIDGET = "admin/inbox/_dashboard.html"


class StaffReplyForm(FlaskForm):
    body = TextAreaField("Reply", validators=[Length(max=BODY_MAX + 1000)])


class StartThreadForm(FlaskForm):
    subject = StringField("Subject", validators=[Length(max=SUBJECT_MAX + 100)])
    body = TextAreaField("Message", validators=[Length(max=BODY_MAX + 1000)])


@bp.record_once
def _on_dashboard(_state: object) -> None:
    """The dashboard home shows unread conversations and open requests."""
    if DASHBOARD_WIDGET not in firm.DASHBOARD_WIDGETS:  # once, whatever apps are made
        firm.DASHBOARD_WIDGETS.append(DASHBOARD_WIDGET)


@bp.app_template_global()
def staff_unread_messages() -> int:
    return threads.unread_for_staff(current_tenant, current_user.id)


@bp.app_template_global()
def request_status_counts() -> dict[str, int]:
    return request_service.status_counts(current_tenant)


def me() -> threads.Person:
    return threads.Person(Side.STAFF, current_user.id, current_user.display_name)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


def _thread_or_404(thread_id: int) -> Thread:
    return threads.get_thread(current_tenant, thread_id) or abort(404)


def uploads() -> list[FileStorage]:
    return request.files.getlist("files")


def _cursor(name: str) -> int | None:
    return _int(request.args.get(name))


@bp.get("/")
@staff_required
def index() -> str:
    account_id = _int(request.args.get("account_id"))
    account = directory.get_account(current_tenant.id, account_id) if account_id else None
    query = threads.thread_rows_query(
        current_tenant,
        me(),
        unread_only=request.args.get("unread") == "1",
        assigned_to=current_user.id if request.args.get("mine") == "1" else None,
        account_id=account.id if account else None,
        account_search=(request.args.get("q") or "").strip()[:200],
    )
    page = paginate(query, page_number(request.args))
    return render_template(
        "admin/inbox/index.html",
        page=page,
        rows=threads.to_rows(page.items),
        account=account,
        args=request.args,
    )


@bp.get("/accounts")
@staff_required
def accounts() -> Response:
    """Type-ahead for the account filter: the first matching account names and ids."""
    text = (request.args.get("q") or "").strip().lower()[:200]
    query = owned(ClientAccount, current_tenant)
    if text:
        query = query.where(func.lower(ClientAccount.name).like(f"%{text}%"))
    rows = db.session.scalars(query.order_by(ClientAccount.name).limit(ACCOUNT_SUGGESTIONS))
    return jsonify(accounts=[{"id": a.id, "name": a.name} for a in rows])


@bp.route("/new", methods=["GET", "POST"])
@staff_required
@large_body
def new() -> ResponseReturnValue:
    """Start a conversation with a client account (chosen by search, then by id)."""
    account_id = _int(request.values.get("account_id"))
    account = directory.get_account(current_tenant.id, account_id) if account_id else None
    if account_id and account is None:
        abort(404)
    form = StartThreadForm()
    if account is not None and form.validate_on_submit():
        try:
            attachments = store_uploads(current_tenant, account.id, me(), uploads())
            thread, _ = threads.start_thread(
                current_tenant,
                account.id,
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
            flash(f"Message sent to {account.name}.")
            return redirect(url_for("admin_inbox.show", thread_id=thread.id), 303)
    search = (request.args.get("q") or "").strip()[:200]
    matches: list[ClientAccount] = []
    if account is None and search:
        query = owned(ClientAccount, current_tenant).where(
            func.lower(ClientAccount.name).like(f"%{search.lower()}%")
        )
        matches = list(db.session.scalars(query.order_by(ClientAccount.name).limit(20)))
    page = render_template(
        "admin/inbox/new.html", form=form, account=account, search=search, matches=matches
    )
    return page, form_status(form)


def thread_page(thread: Thread, form: FlaskForm, **extra: Any) -> str:
    """A conversation for staff (the inbox's and a request's page share it)."""
    threads.viewing(current_tenant, thread, me())
    db.session.commit()  # before loading what the page shows: a commit expires loaded rows
    messages, attachments, more = threads.messages_page(
        current_tenant, thread, before=_cursor("before")
    )
    account = directory.get_account(current_tenant.id, thread.account_id)
    return render_template(
        extra.pop("template", "admin/inbox/thread.html"),
        thread=thread,
        account=account,
        messages=messages,
        attachments=attachments,
        earlier=messages[0].id if more and messages else None,
        last_id=messages[-1].id if messages else 0,
        poll_seconds=POLL_SECONDS,
        poll_url=url_for("admin_inbox.poll", thread_id=thread.id),
        staff=threads.active_staff(current_tenant),
        form=form,
        **extra,
    )


def reply(thread: Thread, form: FlaskForm) -> bool:
    """Post the staff member's reply from `form`; False (errors on the form) when refused."""
    if not form.validate_on_submit():
        return False
    try:
        attachments = store_uploads(current_tenant, thread.account_id, me(), uploads())
        threads.post_message(
            current_tenant, thread, me(), form.body.data or "", attachments=attachments
        )
    except UserError as exc:
        db.session.rollback()
        show_on_form(form, exc, default_field="body")
        return False
    db.session.commit()
    return True


@bp.route("/<int:thread_id>", methods=["GET", "POST"])
@staff_required
@large_body
def show(thread_id: int) -> ResponseReturnValue:
    thread = _thread_or_404(thread_id)
    form = StaffReplyForm()
    if reply(thread, form):
        return redirect(url_for("admin_inbox.show", thread_id=thread.id, _anchor="latest"), 303)
    request_id = db.session.scalar(
        owned(
            ClientRequest, current_tenant, ClientRequest.thread_id == thread.id
        ).with_only_columns(ClientRequest.id)
    )
    return thread_page(thread, form, request_id=request_id), form_status(form)


@bp.post("/<int:thread_id>/assign")
@staff_required
def assign(thread_id: int) -> Response:
    thread = _thread_or_404(thread_id)
    try:
        threads.assign(current_tenant, thread, _int(request.form.get("staff_id")))
    except UserError as exc:
        flash(exc.message)
    else:
        db.session.commit()
        flash("Assignment saved.")
        record(
            "thread.assigned",
            tenant=current_tenant,
            principal_kind="staff",
            principal_id=current_user.id,
            outcome=Outcome.SUCCESS,
            detail=f"thread:{thread.id} staff:{thread.assigned_staff_id or 'nobody'}",
        )
    request_id = _int(request.form.get("next_request"))
    if request_id is not None:
        return redirect(url_for("admin_requests.show", request_id=request_id), 303)
    return redirect(url_for("admin_inbox.show", thread_id=thread.id), 303)


@bp.get("/<int:thread_id>/poll")
@staff_required
def poll(thread_id: int) -> Response:
    thread = _thread_or_404(thread_id)
    threads.viewing(current_tenant, thread, me())
    db.session.commit()
    messages, attachments, _ = threads.messages_page(
        current_tenant, thread, after=_cursor("after") or 0
    )
    items = [
        {
            "id": message.id,
            "html": render_template(
                "admin/inbox/_message.html",
                message=message,
                attachments=attachments,
                thread=thread,
            ),
        }
        for message in messages
    ]
    return jsonify(messages=items)


@bp.get("/<int:thread_id>/attachments/<int:attachment_id>")
@staff_required
def attachment(thread_id: int, attachment_id: int) -> ResponseReturnValue:
    thread = _thread_or_404(thread_id)
    found = threads.get_attachment(current_tenant, thread, attachment_id) or abort(404)
    return attachment_download(current_tenant, found)
