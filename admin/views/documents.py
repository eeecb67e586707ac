"""Firm staff request documents from client accounts, review what arrived, manage the
no-login links, and share a file by email."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from admin.access import staff_required
from admin.forms import DocumentRequestForm, DocumentReviewForm, SelectChoice, ShareFileForm
from admin.views import firm
from portal.audit.service import Outcome, record
from portal.clients import directory, listing
from portal.clients.models import AccountContact, ClientAccount
from portal.core.database import utcnow
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate
from portal.documents import links, notices, service
from portal.documents.models import ActionLink, DocumentRequest, RequestStatus, RequestUpload
from portal.files.downloads import download_response
from portal.files.models import ClientFile
from tenants.context import current_tenant
from tenants.scoping import get_owned, owned

bp = Blueprint("admin_documents", __name__, url_prefix="/admin/documents")
STATUS_LABELS = {
    RequestStatus.REQUESTED: "Requested",
    RequestStatus.UPLOADED: "Uploaded: to review",
    RequestStatus.ACCEPTED: "Accepted",
    RequestStatus.REOPENED: "Reopened: waiting for the client",
}


DASHBOARD_WIDGET = "admin/documents/_dashboard.html"


@bp.record_once
def _on_dashboard(_state: object) -> None:
    """The dashboard home shows documents to review and overdue requests."""
    if DASHBOARD_WIDGET not in firm.DASHBOARD_WIDGETS:  # once, whatever apps are made
        firm.DASHBOARD_WIDGETS.append(DASHBOARD_WIDGET)


@bp.app_template_global()
def document_request_counts() -> dict[str, int]:
    return service.staff_counts(current_tenant)


class ConfirmForm(FlaskForm):
    """A destructive button: CSRF, plus the confirmation box checked on the server."""


def _document_or_404(document_request_id: int) -> DocumentRequest:
    return get_owned(DocumentRequest, current_tenant, document_request_id) or abort(404)


def _chosen_account() -> ClientAccount | None:
    """The account picked by type-ahead (submitted, or given in the URL); never a default."""
    raw = request.form.get("account_id", "") if request.method == "POST" else ""
    raw = raw or request.args.get("account_id", "")
    return directory.get_account(current_tenant.id, int(raw)) if raw.isdigit() else None


@bp.get("/")
@staff_required
def index() -> str:
    raw_account = request.args.get("account_id", "")
    account_id = int(raw_account) if raw_account.isdigit() else None
    status = request.args.get("status", "")
    overdue = request.args.get("overdue") == "1"
    query = service.staff_query(
        current_tenant, status=status, account_id=account_id, overdue=overdue
    )
    page = paginate(query, page_number(request.args))
    account = get_owned(ClientAccount, current_tenant, account_id) if account_id else None
    return render_template(
        "admin/documents/index.html",
        page=page,
        status=status,
        overdue=overdue,
        account=account,
        labels=STATUS_LABELS,
        today=utcnow().date(),
    )


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new() -> ResponseReturnValue:
    form = DocumentRequestForm()
    chosen = _chosen_account()
    form.account_id.choices = [SelectChoice(chosen.id, chosen.name)] if chosen else []
    if request.method == "GET" and chosen is not None:
        form.account_id.data = chosen.id
    if form.validate_on_submit():
        account = directory.get_account(current_tenant.id, form.account_id.data) or abort(404)
        items = [
            service.NewItem(
                title=entry.form.title.data or "",
                notes=entry.form.notes.data or "",
                due_date=entry.form.due_date.data,
            )
            for entry in form.items
        ]
        try:
            created = service.create_requests(current_tenant, account, items, current_user)
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="account_id")
        else:
            db.session.commit()
            _audit("document.requested", f"account={account.id} count={len(created)}")
            flash(
                f"Requested {len(created)} document{'s' if len(created) != 1 else ''} "
                f"from {account.name}; its contacts were emailed."
            )
            return redirect(url_for("admin_documents.index", account_id=account.id))
    search = (request.args.get("q") or "").strip()[:200]
    page = render_template(
        "admin/documents/new.html",
        form=form,
        chosen=chosen,
        search=search,
        found=listing.search_accounts(current_tenant.id, search) if search else [],
    )
    return page, form_status(form)


@bp.get("/<int:document_request_id>")
@staff_required
def show(document_request_id: int) -> str:
    document = _document_or_404(document_request_id)
    return _detail(document, DocumentReviewForm())


def _detail(document: DocumentRequest, form: DocumentReviewForm) -> str:
    return render_template(
        "admin/documents/show.html",
        document=document,
        account=db.session.get(ClientAccount, document.account_id),
        uploads=service.uploads_of(current_tenant, document.id),
        links=links.links_of(current_tenant, request_id=document.id),
        form=form,
        confirm_form=ConfirmForm(),
        labels=STATUS_LABELS,
        now=utcnow(),
        today=utcnow().date(),
    )


@bp.post("/<int:document_request_id>/review")
@staff_required
def review(document_request_id: int) -> ResponseReturnValue:
    """Accept what arrived, or reopen the request with a comment (the client is told)."""
    document = _document_or_404(document_request_id)
    form = DocumentReviewForm()
    accept = request.form.get("decision") == "accept"
    if form.validate_on_submit():
        try:
            service.review(current_tenant, document, accept=accept, comment=form.comment.data or "")
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="comment")
        else:
            db.session.commit()
            _audit("document.accepted" if accept else "document.reopened", f"request={document.id}")
            flash("Accepted; the client was told." if accept else "Reopened; the client was told.")
            return redirect(url_for("admin_documents.show", document_request_id=document.id))
    return _detail(document, form), 422


@bp.get("/uploads/<int:upload_id>")
@staff_required
def download(upload_id: int) -> Response:
    upload = get_owned(RequestUpload, current_tenant, upload_id) or abort(404)
    file = get_owned(ClientFile, current_tenant, upload.file_id)
    if file is None or file.deleted_at is not None:
        abort(404)
    return download_response(current_tenant, file)


@bp.post("/links/<int:action_link_id>/revoke")
@staff_required
def revoke_link(action_link_id: int) -> Response:
    link = get_owned(ActionLink, current_tenant, action_link_id) or abort(404)
    if link.request_id is not None:
        back = url_for("admin_documents.show", document_request_id=link.request_id)
    else:
        file = get_owned(ClientFile, current_tenant, link.file_id)
        back = url_for("admin_documents.share_page", account_id=file.account_id) if file else ""
        back = back or url_for("admin_documents.index")
    if not ConfirmForm().validate_on_submit() or request.form.get("confirm") != "1":
        flash("Tick the box to confirm revoking the link.")
        return redirect(back)
    links.revoke(current_tenant, link)
    db.session.commit()
    _audit("action_link.revoked", f"link={link.id}")
    flash(f"The link sent to {link.email} no longer works.")
    return redirect(back)


@bp.post("/share-file")
@staff_required
def share_file() -> Response:
    """Email one contact of the file's account a no-login link to view that file."""
    form = ShareFileForm()
    if not form.validate_on_submit():
        abort(404)
    file = get_owned(ClientFile, current_tenant, form.file_id.data)
    contact = directory.get_contact(current_tenant.id, form.contact_id.data or 0)
    if (
        file is None
        or file.deleted_at is not None
        or contact is None
        or db.session.get(AccountContact, (current_tenant.id, file.account_id, contact.id)) is None
    ):
        abort(404)
    back = request.referrer if _same_host(request.referrer) else url_for("admin_documents.index")
    if file.internal:
        flash("Internal files are never shared with clients.")
    elif not current_tenant.action_links_enabled:
        flash("No-login links are off: turn them on in Settings › Documents.")
    else:
        notices.share_file(current_tenant, file, contact, current_user.display_name)
        db.session.commit()
        _audit("file.shared", f"file={file.id} contact={contact.id}")
        flash(f"Emailed {contact.email} a link to view {file.name}.")
    return redirect(back)


@bp.get("/accounts/<int:account_id>/share-file")
@staff_required
def share_page(account_id: int) -> str:
    """Choose a file of the account and one of its contacts; lists the live view links."""
    account = directory.get_account(current_tenant.id, account_id) or abort(404)
    files = db.session.scalars(
        owned(
            ClientFile,
            current_tenant,
            ClientFile.account_id == account.id,
            ClientFile.deleted_at.is_(None),
            ClientFile.internal.is_(False),
        )
        .order_by(ClientFile.id.desc())
        .limit(200)
    ).all()
    return render_template(
        "admin/documents/share.html",
        account=account,
        files=files,
        contacts=notices.addressees(current_tenant.id, account.id),
        shared=links.file_links_of_account(current_tenant, account.id),
        form=ShareFileForm(),
        confirm_form=ConfirmForm(),
        now=utcnow(),
    )


def _same_host(url: str | None) -> bool:
    return bool(url) and url.split("/")[2:3] == [request.host]  # type: ignore[union-attr]


def _audit(event: str, detail: str) -> None:
    record(
        event,
        tenant=current_tenant,
        principal_kind="staff",
        principal_id=current_user.id,
        outcome=Outcome.SUCCESS,
        detail=detail,
    )
