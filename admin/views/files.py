"""Staff Files: pick an account by type-ahead, then its folders (Internal included), uploads,
downloads, rename, move, trash and restore; the firm's storage use against its quota."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func
from werkzeug.wrappers import Response
from wtforms import HiddenField, MultipleFileField, SelectField, StringField
from wtforms.validators import Length

from admin.access import staff_required
from portal.clients.models import ClientAccount
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import page_number, paginate, sort_key
from portal.files import folders as folder_service
from portal.files import service
from portal.files.downloads import can_preview, download_response
from portal.files.models import ClientFile, Folder, UploaderKind
from portal.files.uploads import (
    accept_many,
    large_body,
    megabytes,
    storage_quota,
    storage_used,
    upload_limit,
)
from tenants.context import current_tenant
from tenants.scoping import get_owned, owned

bp = Blueprint("admin_files", __name__, url_prefix="/admin/files")
SORTS = ("name", "created", "size")
SUGGESTIONS = 10


class UploadForm(FlaskForm):
    files = MultipleFileField("Files")
    folder_id = HiddenField()


class NameForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=400)])


class MoveForm(FlaskForm):
    folder_id = SelectField("Move to", choices=[], validate_choice=False)


class ConfirmForm(FlaskForm):
    pass


def _account_or_404(account_id: int) -> ClientAccount:
    return get_owned(ClientAccount, current_tenant, account_id) or abort(404)


def _folder_or_404(account: ClientAccount, folder_id: int | None) -> Folder | None:
    if folder_id is None:
        return None
    found = folder_service.visible_folder(current_tenant, account.id, folder_id, staff=True)
    return found or abort(404)


def _file_or_404(account: ClientAccount, file_id: int, *, trash: bool = False) -> ClientFile:
    found = service.visible_file(current_tenant, account.id, file_id, staff=True, trash=trash)
    return found or abort(404)


def _folder_url(account_id: int, folder_id: int | None) -> str:
    if folder_id is None:
        return url_for("admin_files.account", account_id=account_id)
    return url_for("admin_files.folder", account_id=account_id, folder_id=folder_id)


def _usage() -> dict[str, Any]:
    used, quota = storage_used(current_tenant), storage_quota()
    return {
        "used_text": megabytes(used),
        "quota_text": megabytes(quota),
        "used_percent": min(100, round(100 * used / quota)) if quota else 100,
        "limit_text": megabytes(upload_limit(current_tenant)),
    }


@bp.get("/")
@staff_required
def index() -> ResponseReturnValue:
    """Accounts whose name matches the search (a page at a time), and the storage used."""
    text = (request.args.get("q") or "").strip()[:200]
    query = owned(ClientAccount, current_tenant)
    if text:
        query = query.where(func.lower(ClientAccount.name).like(f"%{text.lower()}%"))
    page = paginate(query.order_by(ClientAccount.name, ClientAccount.id), page_number(request.args))
    exact = [a for a in page.items if a.name.lower() == text.lower()] if text else []
    if len(exact) == 1 and page.number == 1:
        return redirect(url_for("admin_files.account", account_id=exact[0].id), 303)
    return render_template("admin/files/index.html", page=page, q=text, **_usage())


@bp.get("/accounts")
@staff_required
def accounts() -> Response:
    """Type-ahead for the account search: the first matching account names."""
    text = (request.args.get("q") or "").strip().lower()[:200]
    query = owned(ClientAccount, current_tenant)
    if text:
        query = query.where(func.lower(ClientAccount.name).like(f"%{text}%"))
    rows = db.session.scalars(query.order_by(ClientAccount.name).limit(SUGGESTIONS))
    return jsonify(accounts=[{"id": a.id, "name": a.name} for a in rows])


def _listing(account: ClientAccount, folder: Folder | None, **context: Any) -> str:
    sort, descending = sort_key(request.args, SORTS, "name")
    query = service.files_query(
        current_tenant, account.id, folder, staff=True, sort=(sort, descending)
    )
    page = paginate(query, page_number(request.args))
    subfolders = folder_service.subfolders(current_tenant, account.id, folder, staff=True)
    limit = upload_limit(current_tenant)
    return render_template(
        "admin/files/account.html",
        account=account,
        folder=folder,
        trail=folder_service.path_of(current_tenant, folder),
        subfolders=subfolders,
        has_internal=folder is not None or any(f.internal for f in subfolders),
        page=page,
        sort=sort,
        descending=descending,
        upload_form=context.pop("upload_form", None)
        or UploadForm(folder_id=str(folder.id) if folder else ""),
        folder_form=context.pop("folder_form", None) or NameForm(),
        limit_bytes=limit,
        can_preview=can_preview,
        **_usage(),
        **context,
    )


@bp.get("/<int:account_id>/")
@staff_required
def account(account_id: int) -> str:
    return _listing(_account_or_404(account_id), None)


@bp.get("/<int:account_id>/folder/<int:folder_id>")
@staff_required
def folder(account_id: int, folder_id: int) -> str:
    client_account = _account_or_404(account_id)
    return _listing(client_account, _folder_or_404(client_account, folder_id))


@bp.post("/<int:account_id>/internal")
@staff_required
def internal(account_id: int) -> Response:
    """Open the account's staff-only Internal folder, creating it the first time."""
    client_account = _account_or_404(account_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    created = folder_service.internal_folder(current_tenant, client_account.id)
    db.session.commit()
    return redirect(_folder_url(client_account.id, created.id), 303)


@bp.post("/<int:account_id>/upload")
@staff_required
@large_body
def upload(account_id: int) -> ResponseReturnValue:
    client_account = _account_or_404(account_id)
    form = UploadForm()
    raw_folder = (form.folder_id.data or "").strip()
    target = _folder_or_404(client_account, int(raw_folder)) if raw_folder.isdigit() else None
    if not form.validate_on_submit():
        abort(400)
    stored, refused = accept_many(
        current_tenant,
        client_account.id,
        request.files.getlist("files"),
        uploader_kind=UploaderKind.STAFF,
        uploader_id=current_user.id,
        folder_id=target.id if target else None,
    )
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        body = {"stored": [f.name for f in stored], "errors": refused}
        return jsonify(body), 422 if refused else 200
    if refused:
        form.files.errors = refused
        page = _listing(client_account, target, upload_form=form, stored=stored)
        return page, form_status(form)
    flash("Uploaded " + ", ".join(f"\u201c{f.name}\u201d" for f in stored) + ".")
    return redirect(_folder_url(client_account.id, target.id if target else None), 303)


@bp.post("/<int:account_id>/folders")
@staff_required
def new_folder(account_id: int) -> ResponseReturnValue:
    client_account = _account_or_404(account_id)
    raw_parent = request.form.get("parent_id", "")
    parent = _folder_or_404(client_account, int(raw_parent)) if raw_parent.isdigit() else None
    form = NameForm()
    if form.validate_on_submit():
        try:
            created = folder_service.create_folder(
                current_tenant, client_account.id, parent, form.name.data or ""
            )
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error, "name")
        else:
            db.session.commit()
            return redirect(_folder_url(client_account.id, created.id), 303)
    return _listing(client_account, parent, folder_form=form), form_status(form)


def _form_page(**context: Any) -> str:
    return render_template("admin/files/form_page.html", **context)


@bp.route("/<int:account_id>/folder/<int:folder_id>/rename", methods=["GET", "POST"])
@staff_required
def rename_folder(account_id: int, folder_id: int) -> ResponseReturnValue:
    client_account = _account_or_404(account_id)
    target = _folder_or_404(client_account, folder_id)
    assert target is not None
    form = NameForm(name=target.name)
    if form.validate_on_submit():
        try:
            folder_service.rename_folder(current_tenant, target, form.name.data or "")
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error, "name")
        else:
            db.session.commit()
            flash(f"Renamed the folder to \u201c{target.name}\u201d.")
            return redirect(_folder_url(client_account.id, target.id), 303)
    back = _folder_url(client_account.id, target.id)
    page = _form_page(
        heading=f"Rename the folder \u201c{target.name}\u201d",
        form=form,
        fields=[form.name],
        submit="Rename",
        back=back,
        account=client_account,
    )
    return page, form_status(form)


@bp.route("/<int:account_id>/folder/<int:folder_id>/delete", methods=["GET", "POST"])
@staff_required
def delete_folder(account_id: int, folder_id: int) -> ResponseReturnValue:
    client_account = _account_or_404(account_id)
    target = _folder_or_404(client_account, folder_id)
    assert target is not None
    form = ConfirmForm()
    if form.validate_on_submit():
        parent_id = target.parent_id
        try:
            folder_service.delete_folder(current_tenant, target)
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            flash("Folder deleted.")
            return redirect(_folder_url(client_account.id, parent_id), 303)
    page = _form_page(
        heading=f"Delete the folder \u201c{target.name}\u201d?",
        text="Only an empty folder can be deleted. Files of it in the trash move up one level.",
        form=form,
        fields=[],
        submit="Delete folder",
        back=_folder_url(client_account.id, target.id),
        account=client_account,
    )
    return page, form_status(form)


@bp.get("/<int:account_id>/<int:file_id>/download")
@staff_required
def download(account_id: int, file_id: int) -> Response:
    file = _file_or_404(_account_or_404(account_id), file_id)
    return download_response(current_tenant, file)


@bp.get("/<int:account_id>/<int:file_id>/view")
@staff_required
def view(account_id: int, file_id: int) -> Response:
    file = _file_or_404(_account_or_404(account_id), file_id)
    return download_response(current_tenant, file, inline=True)


@bp.route("/<int:account_id>/<int:file_id>/rename", methods=["GET", "POST"])
@staff_required
def rename(account_id: int, file_id: int) -> ResponseReturnValue:
    client_account = _account_or_404(account_id)
    file = _file_or_404(client_account, file_id)
    form = NameForm(name=file.name)
    if form.validate_on_submit():
        try:
            service.rename_file(current_tenant, file, form.name.data or "")
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error, "name")
        else:
            db.session.commit()
            flash(f"Renamed to \u201c{file.name}\u201d.")
            return redirect(_folder_url(client_account.id, file.folder_id), 303)
    page = _form_page(
        heading=f"Rename \u201c{file.name}\u201d",
        form=form,
        fields=[form.name],
        submit="Rename",
        back=_folder_url(client_account.id, file.folder_id),
        account=client_account,
    )
    return page, form_status(form)


@bp.route("/<int:account_id>/<int:file_id>/move", methods=["GET", "POST"])
@staff_required
def move(account_id: int, file_id: int) -> ResponseReturnValue:
    client_account = _account_or_404(account_id)
    file = _file_or_404(client_account, file_id)
    form = MoveForm(folder_id=str(file.folder_id or ""))
    every = folder_service.all_folders(current_tenant, client_account.id, staff=True)
    form.folder_id.choices = [
        ("", "Top level"),
        *((str(f.id), label + (" (staff only)" if f.internal else "")) for f, label in every),
    ]
    if form.validate_on_submit():
        raw = form.folder_id.data or ""
        try:
            service.move_file(current_tenant, file, int(raw) if raw.isdigit() else None, staff=True)
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error, "folder_id")
        else:
            db.session.commit()
            flash(f"Moved \u201c{file.name}\u201d.")
            return redirect(_folder_url(client_account.id, file.folder_id), 303)
    page = _form_page(
        heading=f"Move \u201c{file.name}\u201d",
        text="A file moved into Internal disappears from the client's view; moved out, "
        "the client sees it.",
        form=form,
        fields=[form.folder_id],
        submit="Move",
        back=_folder_url(client_account.id, file.folder_id),
        account=client_account,
    )
    return page, form_status(form)


@bp.route("/<int:account_id>/<int:file_id>/delete", methods=["GET", "POST"])
@staff_required
def delete(account_id: int, file_id: int) -> ResponseReturnValue:
    client_account = _account_or_404(account_id)
    file = _file_or_404(client_account, file_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        service.trash_file(file)
        db.session.commit()
        flash(f"\u201c{file.name}\u201d is in the trash for 30 days.")
        return redirect(_folder_url(client_account.id, file.folder_id), 303)
    return _form_page(
        heading=f"Delete \u201c{file.name}\u201d?",
        text="The file goes to the trash, where it can be restored for 30 days.",
        form=form,
        fields=[],
        submit="Move to trash",
        back=_folder_url(client_account.id, file.folder_id),
        account=client_account,
    )


@bp.get("/<int:account_id>/trash")
@staff_required
def trash(account_id: int) -> str:
    client_account = _account_or_404(account_id)
    query = service.trash_query(current_tenant, client_account.id, staff=True)
    page = paginate(query, page_number(request.args))
    return render_template(
        "admin/files/trash.html",
        account=client_account,
        page=page,
        form=ConfirmForm(),
        purge_date=service.purge_date,
    )


@bp.post("/<int:account_id>/trash/<int:file_id>/restore")
@staff_required
def restore(account_id: int, file_id: int) -> Response:
    client_account = _account_or_404(account_id)
    file = _file_or_404(client_account, file_id, trash=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    service.restore_file(current_tenant, file)
    db.session.commit()
    flash(f"Restored \u201c{file.name}\u201d.")
    return redirect(_folder_url(client_account.id, file.folder_id), 303)
