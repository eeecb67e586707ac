"""The client's Files: the current account's folders and files (never Internal ones), uploads
with progress, downloads, and renaming, moving and trashing what the client uploaded."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField, MultipleFileField, SelectField, StringField
from wtforms.validators import Length

from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate, sort_key
from portal.files import folders as folder_service
from portal.files import service
from portal.files.downloads import can_preview, download_response
from portal.files.models import ClientFile, Folder, UploaderKind
from portal.files.uploads import accept_many, large_body, megabytes, upload_limit
from portal.web.modules.blueprints import module_blueprint
from portal.web.modules.pages import render_module_page
from portal.web.session import client_required
from tenants.context import current_tenant

bp = module_blueprint("files", __name__)
SORTS = ("name", "created", "size")


class UploadForm(FlaskForm):
    files = MultipleFileField(_l("Files"))
    folder_id = HiddenField()


class NameForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=400)])


class MoveForm(FlaskForm):
    folder_id = SelectField(_l("Move to"), choices=[], validate_choice=False)


class ConfirmForm(FlaskForm):
    pass


def _folder_or_404(folder_id: int | None) -> Folder | None:
    if folder_id is None:
        return None
    return folder_service.visible_folder(
        current_tenant, g.account.id, folder_id, staff=False
    ) or abort(404)


def _file_or_404(file_id: int, *, trash: bool = False) -> ClientFile:
    file = service.visible_file(current_tenant, g.account.id, file_id, staff=False, trash=trash)
    return file or abort(404)


def _own_upload_or_403(file: ClientFile) -> ClientFile:
    """Files the firm shared are theirs: the client may download them, not change them."""
    if file.uploaded_by_kind != UploaderKind.CLIENT:
        abort(403)
    return file


def _folder_url(folder_id: int | None) -> str:
    if folder_id is None:
        return url_for("files.index")
    return url_for("files.folder", folder_id=folder_id)


def _listing(folder: Folder | None, **context: Any) -> str:
    sort, descending = sort_key(request.args, SORTS, "name")
    query = service.files_query(
        current_tenant, g.account.id, folder, staff=False, sort=(sort, descending)
    )
    page = paginate(query, page_number(request.args))
    upload_form = context.pop("upload_form", None) or UploadForm(
        folder_id=str(folder.id) if folder else ""
    )
    return render_module_page(
        "files",
        "portal/files/index.html",
        folder=folder,
        trail=folder_service.path_of(current_tenant, folder),
        subfolders=folder_service.subfolders(current_tenant, g.account.id, folder, staff=False),
        page=page,
        sort=sort,
        descending=descending,
        upload_form=upload_form,
        folder_form=context.pop("folder_form", None) or NameForm(),
        limit_bytes=upload_limit(current_tenant),
        limit_text=megabytes(upload_limit(current_tenant)),
        can_preview=can_preview,
        **context,
    )


@bp.get("/", endpoint="index")
@client_required
def index() -> str:
    return _listing(None)


@bp.get("/folder/<int:folder_id>", endpoint="folder")
@client_required
def folder(folder_id: int) -> str:
    return _listing(_folder_or_404(folder_id))


@bp.post("/upload", endpoint="upload")
@client_required
@large_body
def upload() -> ResponseReturnValue:
    form = UploadForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    raw_folder = (form.folder_id.data or "").strip()
    folder = _folder_or_404(int(raw_folder)) if raw_folder.isdigit() else None
    if not form.validate_on_submit():
        abort(400)
    stored, refused = accept_many(
        current_tenant,
        g.account.id,
        request.files.getlist("files"),
        uploader_kind=UploaderKind.CLIENT,
        uploader_id=current_user.id,
        folder_id=folder.id if folder else None,
    )
    db.session.commit()
    if wants_json:
        body = {"stored": [f.name for f in stored], "errors": refused}
        return jsonify(body), 422 if refused else 200
    if refused:
        form.files.errors = refused
        return _listing(folder, upload_form=form, stored=stored), form_status(form)
    flash(_uploaded_message(stored))
    return redirect(_folder_url(folder.id if folder else None), 303)


def _uploaded_message(stored: list[ClientFile]) -> str:
    names = ", ".join(f"\u201c{f.name}\u201d" for f in stored[:5])
    if len(stored) > 5:
        return _("Uploaded %(names)s and %(more)d more.", names=names, more=len(stored) - 5)
    return _("Uploaded %(names)s.", names=names)


@bp.post("/folders", endpoint="new_folder")
@client_required
def new_folder() -> ResponseReturnValue:
    raw_parent = request.form.get("parent_id", "")
    parent = _folder_or_404(int(raw_parent)) if raw_parent.isdigit() else None
    form = NameForm()
    if form.validate_on_submit():
        try:
            created = folder_service.create_folder(
                current_tenant, g.account.id, parent, form.name.data or ""
            )
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error, "name")
        else:
            db.session.commit()
            return redirect(_folder_url(created.id), 303)
    return _listing(parent, folder_form=form), form_status(form)


@bp.get("/<int:file_id>/download", endpoint="download")
@client_required
def download(file_id: int) -> Response:
    return download_response(current_tenant, _file_or_404(file_id))


@bp.get("/<int:file_id>/view", endpoint="view")
@client_required
def view(file_id: int) -> Response:
    return download_response(current_tenant, _file_or_404(file_id), inline=True)


@bp.route("/<int:file_id>/rename", methods=["GET", "POST"], endpoint="rename")
@client_required
def rename(file_id: int) -> ResponseReturnValue:
    file = _own_upload_or_403(_file_or_404(file_id))
    form = NameForm(name=file.name)
    if form.validate_on_submit():
        try:
            service.rename_file(current_tenant, file, form.name.data or "")
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error, "name")
        else:
            db.session.commit()
            flash(_("Renamed to “%(name)s”.", name=file.name))
            return redirect(_folder_url(file.folder_id), 303)
    page = render_module_page("files", "portal/files/rename.html", file=file, form=form)
    return page, form_status(form)


@bp.route("/<int:file_id>/move", methods=["GET", "POST"], endpoint="move")
@client_required
def move(file_id: int) -> ResponseReturnValue:
    file = _own_upload_or_403(_file_or_404(file_id))
    form = MoveForm(folder_id=str(file.folder_id or ""))
    form.folder_id.choices = _folder_choices()
    if form.validate_on_submit():
        raw = form.folder_id.data or ""
        try:
            service.move_file(
                current_tenant, file, int(raw) if raw.isdigit() else None, staff=False
            )
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error, "folder_id")
        else:
            db.session.commit()
            flash(_("Moved “%(name)s”.", name=file.name))
            return redirect(_folder_url(file.folder_id), 303)
    page = render_module_page("files", "portal/files/move.html", file=file, form=form)
    return page, form_status(form)


def _folder_choices() -> list[tuple[str, str]]:
    every = folder_service.all_folders(current_tenant, g.account.id, staff=False)
    return [("", _("Top level")), *((str(f.id), label) for f, label in every)]


@bp.route("/<int:file_id>/delete", methods=["GET", "POST"], endpoint="delete")
@client_required
def delete(file_id: int) -> ResponseReturnValue:
    file = _own_upload_or_403(_file_or_404(file_id))
    form = ConfirmForm()
    if form.validate_on_submit():
        service.trash_file(file)
        db.session.commit()
        flash(
            _("“%(name)s” is in the trash for 30 days; you can restore it there.", name=file.name)
        )
        return redirect(_folder_url(file.folder_id), 303)
    return render_module_page("files", "portal/files/delete.html", file=file, form=form)


@bp.get("/trash", endpoint="trash")
@client_required
def trash() -> str:
    query = service.trash_query(current_tenant, g.account.id, staff=False)
    page = paginate(query, page_number(request.args))
    return render_module_page(
        "files",
        "portal/files/trash.html",
        page=page,
        form=ConfirmForm(),
        purge_date=service.purge_date,
    )


@bp.post("/trash/<int:file_id>/restore", endpoint="restore")
@client_required
def restore(file_id: int) -> Response:
    file = _own_upload_or_403(_file_or_404(file_id, trash=True))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    service.restore_file(current_tenant, file)
    db.session.commit()
    flash(_("Restored “%(name)s”.", name=file.name))
    return redirect(_folder_url(file.folder_id), 303)
