"""The client's document requests: the to-do list of the current account, and uploading."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from portal.core.database import utcnow
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate
from portal.documents import service
from portal.documents.models import DocumentRequest
from portal.files.uploads import large_body
from portal.web.session import client_required
from tenants.context import current_tenant
from tenants.scoping import get_owned
from themes.loader import render_themed

bp = Blueprint("documents", __name__, url_prefix="/documents")


class UploadForm(FlaskForm):
    file = FileField(
        _l("Choose the file"), validators=[FileRequired(_l("Choose a file to upload."))]
    )


def _document_or_404(document_request_id: int) -> DocumentRequest:
    """Only a request of the account the client is looking at; anything else is a 404."""
    document = get_owned(DocumentRequest, current_tenant, document_request_id)
    if document is None or document.account_id != g.account.id:
        abort(404)
    return document


@bp.get("/")
@client_required
def index() -> str:
    page = paginate(service.client_query(current_tenant, g.account.id), page_number(request.args))
    return render_themed(
        current_tenant.theme,
        "portal/documents/index.html",
        page=page,
        account=g.account,
        today=utcnow().date(),
    )


@bp.route("/<int:document_request_id>", methods=["GET", "POST"])
@client_required
@large_body
def show(document_request_id: int) -> ResponseReturnValue:
    """The request, what was sent for it, and (while it waits for a file) the upload form."""
    document = _document_or_404(document_request_id)
    form = UploadForm()
    if form.validate_on_submit():
        try:
            stored = service.upload(
                current_tenant,
                document,
                form.file.data,
                contact_id=current_user.id,
                by=current_user.display_name,
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="file")
        else:
            db.session.commit()
            flash(
                _(
                    "Received “%(name)s”. Thank you, %(firm)s has been told.",
                    name=stored.name,
                    firm=current_tenant.name,
                )
            )
            return redirect(url_for("documents.show", document_request_id=document.id))
    page = render_themed(
        current_tenant.theme,
        "portal/documents/show.html",
        document=document,
        uploads=service.uploads_of(current_tenant, document.id),
        form=form,
        account=g.account,
        today=utcnow().date(),
    )
    return page, form_status(form)
