"""Client records for firm staff: edit, archive, restore and delete accounts; edit, unlink and
merge contacts; CSV export of the clients list and CSV import; the firm's test client."""

from __future__ import annotations

import json
from collections.abc import Iterator

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import and_, func, select
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3
from wtforms.validators import InputRequired, Length

from admin.access import staff_required
from admin.views import clients as client_list
from admin.views import firm
from jobs.queue import enqueue
from portal.audit.service import Outcome, record
from portal.clients import directory, imports, records, test_client
from portal.clients.csv_io import COLUMNS, csv_lines
from portal.clients.invitations import SendLimitReached, latest_invitations, send_invitation
from portal.clients.models import (
    AccountContact,
    AccountKind,
    ClientAccount,
    ClientImport,
    Contact,
    ImportStatus,
)
from portal.clients.status import contact_status
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from tenants.context import current_tenant
from tenants.scoping import get_owned, owned

bp = Blueprint("admin_records", __name__, url_prefix="/admin/clients")
EXPORT_CHUNK = 500
TEST_CLIENT_WIDGET = "admin/records/_dashboard_test_client.html"
PREVIEW_PROBLEMS = 200
PREVIEW_ROWS = 20
KINDS = [
    SelectChoice(AccountKind.COMPANY, "Company"),
    SelectChoice(AccountKind.HOUSEHOLD, "Household / individual"),
]


# --- forms -----------------------------------------------------------------------------------


class AccountForm(FlaskForm):
    name = StringField("Account name", validators=[InputRequired(), Length(max=200)])
    kind = SelectField("Account type", choices=KINDS)
    tags = StringField("Tags", validators=[Length(max=1200)])
    phone = StringField("Phone", validators=[Length(max=40)])
    address = TextAreaField("Address", validators=[Length(max=1000)])
    reference_id = StringField("Tax / reference id", validators=[Length(max=64)])
    notes = TextAreaField("Notes (staff only)", validators=[Length(max=10_000)])


class ConfirmForm(FlaskForm):
    """CSRF only: the page itself is the confirmation."""


class DeleteForm(FlaskForm):
    confirm_name = StringField("Type the account name to confirm", validators=[Length(max=200)])


class ContactForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=200)])
    email = EmailField("Email", validators=[Length(max=320)])
    phone = StringField("Phone", validators=[Length(max=40)])


class MergeForm(FlaskForm):
    merge_email = EmailField(
        "Email of the other contact (the duplicate)", validators=[Length(max=320)]
    )
    merge_contact_id = HiddenField()
    keep = RadioField(
        "Keep",
        choices=[
            SelectChoice("this", "Keep this contact's email"),
            SelectChoice("other", "Keep the other's email"),
        ],
        default="this",
    )
    confirm = HiddenField()


class UploadForm(FlaskForm):
    file = FileField("CSV file")


class RunForm(FlaskForm):
    existing = RadioField(
        "When an email is already a contact (or an account already exists)",
        choices=[
            SelectChoice("skip", "Skip the row"),
            SelectChoice("update", "Update the record from the row"),
        ],
        default="skip",
    )
    mode = RadioField(
        "If some rows have problems",
        choices=[
            SelectChoice("all", "Import nothing (all-or-nothing)"),
            SelectChoice("valid", "Import the valid rows only"),
        ],
        default="all",
    )
    invite = BooleanField("Grant portal access and send invitations to the new accounts' contacts")


class TestClientForm(FlaskForm):
    email = EmailField(
        "Address that receives the test client's email", validators=[Length(max=320)]
    )
    invite = BooleanField("Send the invitation now", default=True)


# --- helpers ---------------------------------------------------------------------------------


def _account_or_404(account_id: int) -> ClientAccount:
    return get_owned(ClientAccount, current_tenant.id, account_id) or abort(404)


def _contact_or_404(account_id: int, contact_id: int) -> tuple[ClientAccount, Contact]:
    account = _account_or_404(account_id)
    contact = get_owned(Contact, current_tenant.id, contact_id)
    if contact is None or (
        db.session.get(AccountContact, (current_tenant.id, account.id, contact.id)) is None
    ):
        abort(404)
    return account, contact


def _audit(event: str, detail: str) -> None:
    """After the commit (SQLite allows one writer): staff actions go to the firm's audit log.
    Details name ids and changed fields, never personal data."""
    record(
        event,
        tenant=current_tenant,
        principal_kind="staff",
        principal_id=current_user.id,
        outcome=Outcome.SUCCESS,
        detail=detail,
    )


def _to_account(account: ClientAccount) -> ResponseReturnValue:
    return redirect(url_for("admin_clients.account", account_id=account.id))


@bp.record_once
def _on_dashboard(_state: object) -> None:
    """The dashboard home offers "Create my test client" until the firm has one."""
    if TEST_CLIENT_WIDGET not in firm.DASHBOARD_WIDGETS:  # once, whatever apps are made
        firm.DASHBOARD_WIDGETS.append(TEST_CLIENT_WIDGET)


@bp.app_template_global()
def firm_test_account() -> ClientAccount | None:
    return test_client.find_test_account(current_tenant.id)


@bp.app_template_global()
def record_tags(account: ClientAccount) -> tuple[str, ...]:
    """For the account page's record panel."""
    return records.tags_of(account.tenant_id, account.id)


# --- accounts --------------------------------------------------------------------------------


@bp.route("/<int:account_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_account(account_id: int) -> ResponseReturnValue:
    account = _account_or_404(account_id)
    form = AccountForm(obj=account)
    if request.method == "GET":
        form.tags.data = ", ".join(records.tags_of(current_tenant.id, account.id))
    if form.validate_on_submit():
        try:
            fields = records.clean_account_fields(
                name=form.name.data or "",
                kind=form.kind.data or "",
                tags=form.tags.data or "",
                notes=form.notes.data or "",
                phone=form.phone.data or "",
                address=form.address.data or "",
                reference_id=form.reference_id.data or "",
            )
            changed = records.update_account(current_tenant.id, account, fields)
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="name")
        else:
            db.session.commit()
            if changed:
                _audit("account.edit", f"account {account.id}: {', '.join(changed)}")
            flash(f"{account.name} saved." if changed else "Nothing changed.")
            return _to_account(account)
    return render_template(
        "admin/records/edit_account.html", account=account, form=form
    ), form_status(form)


@bp.route("/<int:account_id>/archive", methods=["GET", "POST"])
@staff_required
def archive(account_id: int) -> ResponseReturnValue:
    account = _account_or_404(account_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        if records.archive_account(account):
            db.session.commit()
            _audit("account.archive", f"account {account.id}")
        flash(f"{account.name} is archived: hidden from lists, its portal closed.")
        return _to_account(account)
    return render_template("admin/records/archive.html", account=account, form=form)


@bp.post("/<int:account_id>/restore")
@staff_required
def restore(account_id: int) -> ResponseReturnValue:
    account = _account_or_404(account_id)
    if ConfirmForm().validate_on_submit() and records.restore_account(account):
        db.session.commit()
        _audit("account.restore", f"account {account.id}")
        flash(f"{account.name} is restored: listed again, its portal open.")
    return _to_account(account)


@bp.route("/<int:account_id>/delete", methods=["GET", "POST"])
@staff_required
def delete_account(account_id: int) -> ResponseReturnValue:
    account = _account_or_404(account_id)
    form = DeleteForm()
    blocker = records.deletion_blocker(current_tenant.id, account)
    if form.validate_on_submit():
        name, ident = account.name, account.id
        try:
            removed = records.delete_account(
                current_tenant.id, account, form.confirm_name.data or ""
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="confirm_name")
        else:
            db.session.commit()
            _audit("account.delete", f"account {ident} with {removed} contact(s)")
            flash(f"{name} was deleted.")
            return redirect(url_for("admin_clients.index"))
    return render_template(
        "admin/records/delete.html", account=account, form=form, blocker=blocker
    ), form_status(form)


# --- contacts --------------------------------------------------------------------------------


@bp.route("/<int:account_id>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_contact(account_id: int, contact_id: int) -> ResponseReturnValue:
    account, contact = _contact_or_404(account_id, contact_id)
    form = ContactForm(obj=contact)
    if form.validate_on_submit():
        try:
            changed = records.update_contact(
                current_tenant.id,
                contact,
                name=form.name.data or "",
                email=form.email.data or "",
                phone=form.phone.data or "",
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="email")
        else:
            db.session.commit()
            if changed:
                _audit("contact.edit", f"contact {contact.id}: {', '.join(changed)}")
            if "email" in changed:
                flash(
                    f"Saved. Email changed to {contact.email}; "
                    "any earlier invitation link was cancelled."
                )
            else:
                flash("Saved." if changed else "Nothing changed.")
            return _to_account(account)
    return render_template(
        "admin/records/edit_contact.html", account=account, contact=contact, form=form
    ), form_status(form)


@bp.route("/<int:account_id>/contacts/<int:contact_id>/unlink", methods=["GET", "POST"])
@staff_required
def unlink(account_id: int, contact_id: int) -> ResponseReturnValue:
    account, contact = _contact_or_404(account_id, contact_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        email, ident = contact.email, contact.id
        deleted = records.unlink_contact(current_tenant.id, account, contact)
        db.session.commit()
        _audit("contact.unlink", f"contact {ident} from account {account.id}")
        flash(
            f"{email} was removed from {account.name}"
            + (" and deleted (no other account)." if deleted else ".")
        )
        return _to_account(account)
    return render_template("admin/records/unlink.html", account=account, contact=contact, form=form)


@bp.route("/<int:account_id>/contacts/<int:contact_id>/merge", methods=["GET", "POST"])
@staff_required
def merge(account_id: int, contact_id: int) -> ResponseReturnValue:
    """Find the duplicate by email, confirm with both side by side, then merge."""
    account, contact = _contact_or_404(account_id, contact_id)
    form = MergeForm()
    other: Contact | None = None
    if form.validate_on_submit():
        try:
            if form.merge_contact_id.data:
                wanted = (
                    int(form.merge_contact_id.data)
                    if form.merge_contact_id.data.isdigit()
                    else None
                )
                other = get_owned(Contact, current_tenant.id, wanted) or abort(404)
            else:
                other = records.find_merge_candidate(
                    current_tenant.id, contact, form.merge_email.data or ""
                )
            if form.confirm.data == "1" and other.id != contact.id:
                kept, merged = (other, contact) if form.keep.data == "other" else (contact, other)
                merged_id = merged.id
                result = records.merge_contacts(current_tenant.id, kept, merged)
                db.session.commit()
                moved = ", ".join(f"{t} {n}" for t, n in sorted(result.moved.items())) or "none"
                _audit("contact.merge", f"contact {merged_id} into {kept.id}; moved {moved}")
                flash(f"Merged: {kept.email} now has both contacts' accounts and history.")
                target = (
                    account
                    if db.session.get(AccountContact, (current_tenant.id, account.id, kept.id))
                    else None
                )
                return _to_account(target) if target else redirect(url_for("admin_clients.index"))
        except UserError as exc:
            db.session.rollback()
            other = None
            show_on_form(form, exc, default_field="merge_email")
    return render_template(
        "admin/records/merge.html",
        account=account,
        contact=contact,
        other=other,
        form=form,
        links=records.account_links(current_tenant.id, contact.id),
        other_links=records.account_links(current_tenant.id, other.id) if other else [],
    ), form_status(form)


# --- export ----------------------------------------------------------------------------------

EXPORT_HEADERS = [
    column.label for column in COLUMNS if column.key not in ("first_name", "last_name")
]
EXPORT_HEADERS += ["Status", "Last login", "Archived"]


@bp.get("/export.csv")
@staff_required
def export_clients() -> Response:
    """The clients list as CSV, with the list's filters (streamed, a chunk of accounts at a
    time). Its columns are the import's, so the file imports back without any mapping."""
    tenant_id = current_tenant.id
    matching = directory.account_query(tenant_id, **client_list._filters()).subquery()
    account_ids = list(
        db.session.scalars(
            select(matching.c.id).order_by(func.lower(matching.c.name), matching.c.id)
        )
    )
    _audit("clients.export", f"{len(account_ids)} account(s)")
    rows = _export_rows(tenant_id, account_ids)
    response = Response(stream_with_context(_stream(rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="clients.csv"'
    return response


def _stream(rows: Iterator[list[object]]) -> Iterator[str]:
    yield "\ufeff"  # a BOM: spreadsheets then read the file as UTF-8
    yield from csv_lines([EXPORT_HEADERS])
    yield from csv_lines(rows)


def _export_rows(tenant_id: int, account_ids: list[int]) -> Iterator[list[object]]:
    for start in range(0, len(account_ids), EXPORT_CHUNK):
        chunk = account_ids[start : start + EXPORT_CHUNK]
        accounts = {
            a.id: a
            for a in db.session.scalars(
                owned(ClientAccount, tenant_id, ClientAccount.id.in_(chunk))
            )
        }
        tags = records.tags_by_account(tenant_id, chunk)
        links: dict[int, list[tuple[Contact, bool]]] = {}
        for contact, account_id, login in db.session.execute(
            select(Contact, AccountContact.account_id, AccountContact.login_enabled)
            .join(
                AccountContact,
                and_(
                    AccountContact.tenant_id == Contact.tenant_id,
                    AccountContact.contact_id == Contact.id,
                ),
            )
            .where(Contact.tenant_id == tenant_id, AccountContact.account_id.in_(chunk))
            .order_by(Contact.name, Contact.email)
        ):
            links.setdefault(account_id, []).append((contact, login))
        invitations = latest_invitations(
            tenant_id, sorted({c.id for pairs in links.values() for c, _ in pairs})
        )
        for account_id in chunk:
            account = accounts.get(account_id)
            if account is None:
                continue
            base = [
                account.name,
                account.kind,
                ", ".join(tags.get(account.id, [])),
                account.phone,
                account.address,
                account.reference_id,
                account.notes,
            ]
            archived = account.archived_at.strftime("%Y-%m-%d") if account.archived_at else ""
            if account.id not in links:
                yield [*base, "", "", "", "", "", "", archived]
            for contact, login in links.get(account.id, []):
                status = contact_status(contact, login, invitations.get(contact.id))
                last = (
                    contact.last_login_at.strftime("%Y-%m-%d %H:%M")
                    if contact.last_login_at
                    else ""
                )
                yield [
                    *base,
                    contact.name,
                    contact.email,
                    contact.phone,
                    "yes" if login else "no",
                    status,
                    last,
                    archived,
                ]
        db.session.expunge_all()  # keep the session small while streaming


# --- import ----------------------------------------------------------------------------------


def _import_or_404(import_id: int) -> ClientImport:
    return get_owned(ClientImport, current_tenant.id, import_id) or abort(404)


@bp.route("/import", methods=["GET", "POST"])
@staff_required
def import_upload() -> ResponseReturnValue:
    form = UploadForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise UserError("Choose a CSV file.", field="file")
            with upload.stream as stream:  # a large upload is a temporary file: close it
                data = stream.read(imports.MAX_BYTES + 1)
            run = imports.store_upload(current_tenant.id, upload.filename, data, current_user.id)
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="file")
        else:
            db.session.commit()
            return redirect(url_for("admin_records.import_mapping", import_id=run.id))
    recent = db.session.scalars(
        owned(ClientImport, current_tenant.id).order_by(ClientImport.id.desc()).limit(5)
    ).all()
    return render_template(
        "admin/records/import_upload.html",
        form=form,
        recent=recent,
        max_mb=imports.MAX_BYTES // 1024 // 1024,
        max_rows=imports.MAX_ROWS,
        columns=COLUMNS,
    ), form_status(form)


def _file_or_error(run: ClientImport) -> tuple[list[str], list[list[str]]]:
    try:
        return imports.load_file(run)
    except UserError as exc:
        flash(exc.message)
        abort(redirect(url_for("admin_records.import_upload")))


@bp.route("/import/<int:import_id>/map", methods=["GET", "POST"])
@staff_required
def import_mapping(import_id: int) -> ResponseReturnValue:
    run = _import_or_404(import_id)
    if run.status != ImportStatus.DRAFT:
        return redirect(url_for("admin_records.import_progress", import_id=run.id))
    headers, cells = _file_or_error(run)
    form = ConfirmForm()
    mapping = imports.mapping_of(run)
    if form.validate_on_submit():
        chosen = {i: request.form.get(f"column_{i}", "") for i in range(len(headers))}
        try:
            imports.set_mapping(run, headers, chosen)
        except UserError as exc:
            form.form_errors.append(exc.message)
            mapping = {i: k for i, k in chosen.items() if k}
        else:
            db.session.commit()
            return redirect(url_for("admin_records.import_preview", import_id=run.id))
    samples = [[row[i] if i < len(row) else "" for row in cells[:3]] for i in range(len(headers))]
    return render_template(
        "admin/records/import_mapping.html",
        run=run,
        form=form,
        headers=headers,
        samples=samples,
        mapping=mapping,
        columns=COLUMNS,
    ), form_status(form)


@bp.get("/import/<int:import_id>/preview")
@staff_required
def import_preview(import_id: int) -> ResponseReturnValue:
    """A dry run of the whole file against the database: what each row would do."""
    run = _import_or_404(import_id)
    if run.status != ImportStatus.DRAFT:
        return redirect(url_for("admin_records.import_progress", import_id=run.id))
    _headers, cells = _file_or_error(run)
    form = RunForm(existing=request.args.get("existing", "skip"))
    update_existing = request.args.get("existing") == "update"
    rows = [
        row
        for chunk in imports.check_file(
            current_tenant.id, cells, imports.mapping_of(run), update_existing
        )
        for row in chunk
    ]
    db.session.rollback()
    summary = imports.summarize(rows)
    problems = [row for row in rows if row.errors][:PREVIEW_PROBLEMS]
    return render_template(
        "admin/records/import_preview.html",
        run=run,
        form=form,
        summary=summary,
        problems=problems,
        sample=rows[:PREVIEW_ROWS],
        notes=[row for row in rows if row.note][:PREVIEW_PROBLEMS],
        update_existing=update_existing,
    )


@bp.post("/import/<int:import_id>/run")
@staff_required
def import_run(import_id: int) -> ResponseReturnValue:
    run = _import_or_404(import_id)
    form = RunForm()
    if form.validate_on_submit() and imports.claim_run(
        current_tenant.id,
        run.id,
        update_existing=form.existing.data == "update",
        valid_only=form.mode.data == "valid",
        invite=bool(form.invite.data),
    ):
        db.session.commit()
        enqueue("run_client_import", current_tenant.id, run.id)
        _audit("clients.import.start", f"import {run.id}: {run.total} row(s)")
    return redirect(url_for("admin_records.import_progress", import_id=run.id))


@bp.get("/import/<int:import_id>")
@staff_required
def import_progress(import_id: int) -> ResponseReturnValue:
    run = _import_or_404(import_id)
    if run.status == ImportStatus.DRAFT:
        return redirect(url_for("admin_records.import_preview", import_id=run.id))
    report = json.loads(run.report) if run.report else {}
    return render_template(
        "admin/records/import_progress.html",
        run=run,
        report=report,
        form=RunForm(),
        stalled=imports.stalled(run),
    )


# --- the test client -------------------------------------------------------------------------


@bp.route("/test-client", methods=["GET", "POST"])
@staff_required
def test_client_page() -> ResponseReturnValue:
    account = test_client.find_test_account(current_tenant.id)
    form = TestClientForm()
    if account is None and request.method == "GET":
        form.email.data = test_client.suggested_address(current_user.email)
    if account is None and form.validate_on_submit():
        try:
            account = test_client.create_test_client(
                current_tenant.id, form.email.data or "", current_user.display_name
            )
            contact = directory.account_contacts(current_tenant.id, account.id)[0].contact
            if form.invite.data:
                send_invitation(
                    current_tenant,
                    contact,
                    invited_by=f"{current_user.display_name} (team)",
                    staff_id=current_user.id,
                )
        except SendLimitReached as exc:
            db.session.commit()  # the test client stays; the email can be sent later
            flash(exc.message)
        except UserError as exc:
            db.session.rollback()
            account = None
            show_on_form(form, exc, default_field="email")
        else:
            db.session.commit()
            sent = f": invitation sent to {contact.email}" if form.invite.data else ""
            flash(f"Your test client is ready{sent}.")
        if account is not None:
            _audit("test_client.create", f"account {account.id}")
            return _to_account(account)
    return render_template(
        "admin/records/test_client.html", account=account, form=form
    ), form_status(form)
