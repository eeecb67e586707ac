"""Firm staff manage client accounts, contacts, portal access and invitations."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from admin.access import staff_required
from admin.forms import AddContactForm, BulkInviteForm, ChangeEmailForm, InviteForm, NewClientForm
from jobs.queue import enqueue
from portal.clients import directory, listing
from portal.clients.invitations import (
    RESEND_ADVICE_AFTER,
    SEND_LIMITS,
    SendLimitReached,
    cancel_invitation,
    copy_link,
    notify_account_added,
    send_invitation,
)
from portal.clients.models import BulkInvite, ClientAccount, Contact
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.pagination import cursor_arg, page_number, sort_key
from tenants.context import current_tenant
from tenants.scoping import get_owned

bp = Blueprint("admin_clients", __name__, url_prefix="/admin/clients")
FILTERS = ("q", "status", "last_login", "archived", "tag")
SEND_LIMITS_WORDING = " and ".join(wording for _, _, wording in SEND_LIMITS)


def _staff_label() -> str:
    return f"{current_user.display_name} (team)"


def _account_or_404(account_id: int) -> ClientAccount:
    return directory.get_account(current_tenant.id, account_id) or abort(404)


def _contact_or_404(account_id: int, contact_id: int) -> tuple[ClientAccount, Contact]:
    account = _account_or_404(account_id)
    contact = directory.get_contact(current_tenant.id, contact_id)
    if (
        contact is None
        or db.session.get(directory.AccountContact, (current_tenant.id, account.id, contact.id))
        is None
    ):
        abort(404)
    return account, contact


def _filters() -> dict[str, str]:
    values = {key: (request.values.get(key) or "").strip()[:200] for key in FILTERS}
    return {
        "search": values["q"],
        "status": values["status"],
        "last_login": values["last_login"],
        "archived": values["archived"] if values["archived"] in ("only", "all") else "",
        "tag": values["tag"],  # client records: accounts carrying this tag
    }


@bp.get("/")
@staff_required
def index() -> str:
    sort, descending = sort_key(request.args, listing.ACCOUNT_SORTS, "name")
    filters = _filters()
    page = listing.account_page(
        current_tenant.id,
        page_number(request.args),
        sort,
        descending,
        cursor_arg(request.args),
        **filters,
    )
    return render_template(
        "admin/clients/index.html",
        page=page,
        matching=listing.account_count(current_tenant.id, **filters),
        sort=sort,
        descending=descending,
        form=BulkInviteForm(),
        args=request.args,
    )


@bp.get("/search")
@staff_required
def search() -> ResponseReturnValue:
    """Type-ahead for account pickers: JSON for scripts, an HTML list of choices for htmx
    (`field` names the radio inputs it fills in, `hx` asks for the fragment)."""
    text = (request.args.get("q") or "").strip()[:200]
    found = listing.search_accounts(current_tenant.id, text)
    if request.headers.get("HX-Request") or request.args.get("format") == "html":
        field = request.args.get("field", "account_id")
        field = field if field.replace("_", "").isalnum() else "account_id"
        return render_template(
            "admin/clients/_account_choices.html", found=found, text=text, field=field
        )
    return jsonify(accounts=[{"id": i, "name": n, "email": e} for i, n, e in found])


@bp.post("/bulk")
@staff_required
def bulk() -> Response:
    form = BulkInviteForm()
    if not form.validate_on_submit():
        flash("The personal message is too long (2,000 characters at most).")
        return redirect(url_for("admin_clients.index"))
    if request.form.get("select_all_matching") == "1":
        account_ids = directory.matching_account_ids(current_tenant.id, **_filters())
    else:
        wanted = {int(v) for v in request.form.getlist("account_ids") if v.isdigit()}
        account_ids = [a for a in directory.matching_account_ids(current_tenant.id) if a in wanted]
    if not account_ids:
        flash("Select at least one client account.")
        return redirect(url_for("admin_clients.index"))
    run = BulkInvite(
        tenant_id=current_tenant.id,
        account_ids=json.dumps(account_ids),
        send_invitations=bool(form.send_invitations.data),
        personal_message=(form.personal_message.data or "").strip(),
        staff_id=current_user.id,
        invited_by_label=_staff_label(),
        total=len(account_ids),
    )
    db.session.add(run)
    db.session.commit()
    # One chunk (200) is done before the progress page loads; in embedded mode a longer run
    # gets a thread of its own, so this worker answers at once (bench.bulk_invite).
    enqueue("run_bulk_invite", current_tenant.id, run.id, background=run.total > 200)
    return redirect(url_for("admin_clients.bulk_progress", bulk_id=run.id))


@bp.get("/bulk/<int:bulk_id>")
@staff_required
def bulk_progress(bulk_id: int) -> str:
    run = get_owned(BulkInvite, current_tenant.id, bulk_id) or abort(404)
    return render_template("admin/clients/bulk.html", run=run)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new() -> ResponseReturnValue:
    form = NewClientForm()
    if form.validate_on_submit():
        try:
            account = directory.create_account(
                current_tenant.id, form.account_name.data or "", form.kind.data
            )
            contact, notified = directory.add_contact_with_notice(
                current_tenant,
                account,
                form.email.data or "",
                form.contact_name.data or "",
                login=bool(form.login.data),
            )
        except UserError as exc:
            db.session.rollback()
            show_on_form(form, exc, default_field="email")
        else:
            refused = None
            if contact.activated_at is not None:  # told by email: no second invitation
                pass
            elif form.login.data and form.send_invite.data:
                try:
                    send_invitation(
                        current_tenant,
                        contact,
                        invited_by=_staff_label(),
                        staff_id=current_user.id,
                        personal_message=form.personal_message.data or "",
                    )
                except SendLimitReached as exc:  # an existing contact: the account still counts
                    refused = exc
            db.session.commit()
            flash(f"Client account {account.name} created.")
            if notified:
                flash(
                    f"{contact.email} already uses the portal; we told them they now also see it."
                )
            if refused is not None:
                flash(refused.message)
            return redirect(url_for("admin_clients.account", account_id=account.id))
    return render_template("admin/clients/new.html", form=form), form_status(form)


@bp.get("/<int:account_id>")
@staff_required
def account(account_id: int) -> str:
    client = _account_or_404(account_id)
    return render_template(
        "admin/clients/account.html",
        account=client,
        contacts=directory.account_contacts(current_tenant.id, client.id),
        add_form=AddContactForm(),
        invite_form=InviteForm(),
        email_form=ChangeEmailForm(),
        advice_after=RESEND_ADVICE_AFTER,
    )


@bp.post("/<int:account_id>/contacts")
@staff_required
def add_contact(account_id: int) -> Response:
    client = _account_or_404(account_id)
    form = AddContactForm()
    if form.validate_on_submit():
        try:
            contact, notified = directory.add_contact_with_notice(
                current_tenant,
                client,
                form.email.data or "",
                form.name.data or "",
                login=bool(form.login.data),
            )
        except UserError as exc:
            db.session.rollback()
            flash(exc.message)
        else:
            db.session.commit()
            flash(f"{contact.email} added to {client.name}.")
            if notified:
                flash(
                    f"{contact.email} already uses the portal; we told them they now also see it."
                )
    else:
        flash("Enter a valid email address for the contact.")
    return redirect(url_for("admin_clients.account", account_id=client.id))


@bp.post("/<int:account_id>/contacts/<int:contact_id>/login")
@staff_required
def toggle_login(account_id: int, contact_id: int) -> Response:
    client, contact = _contact_or_404(account_id, contact_id)
    enabled = request.form.get("enabled") == "1"
    gained = enabled and not directory.login_enabled(current_tenant.id, client.id, contact.id)
    directory.set_login(current_tenant.id, client.id, contact.id, enabled)
    if gained and contact.activated_at is not None:  # already uses the portal: a notice
        notify_account_added(current_tenant, contact, client)
    db.session.commit()
    flash(f"Portal access {'enabled' if enabled else 'disabled'} for {contact.email}.")
    return redirect(url_for("admin_clients.account", account_id=client.id))


@bp.post("/<int:account_id>/contacts/<int:contact_id>/invite")
@staff_required
def invite(account_id: int, contact_id: int) -> Response:
    client, contact = _contact_or_404(account_id, contact_id)
    form = InviteForm()
    if not form.validate_on_submit():
        flash("The personal message is too long (2,000 characters at most).")
    elif contact.activated_at is not None:
        flash(f"{contact.email} has already activated their portal access.")
    else:
        directory.set_login(current_tenant.id, client.id, contact.id, True)
        try:
            invitation = send_invitation(
                current_tenant,
                contact,
                invited_by=_staff_label(),
                staff_id=current_user.id,
                personal_message=form.personal_message.data or "",
            )
        except SendLimitReached as exc:
            db.session.rollback()
            flash(exc.message)
        else:
            db.session.commit()
            flash(f"Invitation sent to {contact.email} (sent {invitation.send_count} time(s)).")
    return redirect(url_for("admin_clients.account", account_id=client.id))


@bp.post("/<int:account_id>/contacts/<int:contact_id>/cancel")
@staff_required
def cancel(account_id: int, contact_id: int) -> Response:
    client, contact = _contact_or_404(account_id, contact_id)
    if cancel_invitation(current_tenant.id, contact.id):
        db.session.commit()
        flash(f"The invitation to {contact.email} was cancelled; its link no longer works.")
    else:
        flash(f"{contact.email} has no open invitation.")
    return redirect(url_for("admin_clients.account", account_id=client.id))


@bp.post("/<int:account_id>/contacts/<int:contact_id>/copy-link")
@staff_required
def copy_invite_link(account_id: int, contact_id: int) -> ResponseReturnValue:
    client, contact = _contact_or_404(account_id, contact_id)
    if contact.activated_at is not None:
        flash(f"{contact.email} has already activated their portal access.")
        return redirect(url_for("admin_clients.account", account_id=client.id))
    directory.set_login(current_tenant.id, client.id, contact.id, True)
    link = copy_link(current_tenant, contact, _staff_label())
    db.session.commit()
    return render_template(
        "admin/clients/copy_link.html", account=client, contact=contact, link=link
    )


@bp.post("/<int:account_id>/contacts/<int:contact_id>/email")
@staff_required
def change_email(account_id: int, contact_id: int) -> Response:
    client, contact = _contact_or_404(account_id, contact_id)
    form = ChangeEmailForm()
    if contact.activated_at is not None:
        flash("An active client changes their own email address.")
    elif form.validate_on_submit():
        try:
            directory.change_email(current_tenant.id, contact, form.email.data or "")
        except UserError as exc:
            db.session.rollback()
            flash(exc.message)
        else:
            db.session.commit()
            flash(f"Email changed to {contact.email}; any earlier invitation link was cancelled.")
    else:
        flash("Enter a valid email address.")
    return redirect(url_for("admin_clients.account", account_id=client.id))


@bp.get("/signups")
@staff_required
def signups() -> str:
    """Self-registrations whose email is not verified yet (purged after the tenant's limit)."""
    tenant = current_tenant
    sort, descending = sort_key(request.args, listing.SIGNUP_SORTS, "-created")
    search = (request.args.get("q") or "").strip()[:200]
    return render_template(
        "admin/clients/signups.html",
        page=listing.signup_page(
            tenant.id,
            page_number(request.args),
            sort,
            descending,
            search=search,
            cursor=cursor_arg(request.args),
        ),
        sort=sort,
        descending=descending,
        args=request.args,
        purge_days=tenant.unverified_purge_days,
    )


@bp.get("/pending")
@staff_required
def pending() -> str:
    legacy = {"sent_asc": "sent", "sent_desc": "-sent"}  # links from before sortable columns
    args = dict(
        request.args, sort=legacy.get(request.args.get("sort", ""), request.args.get("sort", ""))
    )
    sort, descending = sort_key(args, listing.PENDING_SORTS, "-sent")
    status = request.args.get("status", "")
    page = listing.pending_page(
        current_tenant.id,
        page_number(request.args),
        sort,
        descending,
        status=status if status in listing.PENDING_STATUSES else "",
        search=(request.args.get("q") or "").strip()[:200],
        cursor=cursor_arg(request.args),
    )
    return render_template(
        "admin/clients/pending.html",
        page=page,
        sort=sort,
        descending=descending,
        args=request.args,
        advice_after=RESEND_ADVICE_AFTER,
        form=InviteForm(),
    )


@bp.post("/pending/<action>")
@staff_required
def pending_action(action: str) -> Response:
    if action not in ("resend", "cancel"):
        abort(404)
    ids = sorted({int(v) for v in request.form.getlist("contact_ids") if v.isdigit()})[:500]
    rows = (
        listing.pending_page(
            current_tenant.id, 1, "email", False, only=ids, per_page=len(ids)
        ).items
        if ids
        else []
    )
    back = url_for(
        "admin_firm.dashboard"
        if request.form.get("back") == "dashboard"
        else "admin_clients.pending"
    )
    if not rows:
        flash("Select at least one contact.")
        return redirect(back)
    tenant = current_tenant
    skipped: list[str] = []
    for row in rows:
        if action == "resend":
            try:
                send_invitation(
                    tenant, row.contact, invited_by=_staff_label(), staff_id=current_user.id
                )
            except SendLimitReached:
                skipped.append(row.contact.email)
        else:
            cancel_invitation(tenant.id, row.contact.id)
    db.session.commit()
    verb = "Resent invitations to" if action == "resend" else "Cancelled invitations of"
    done = len(rows) - len(skipped)
    if done:
        flash(f"{verb} {done} contact(s).")
    if skipped:
        flash(
            f"Not resent to {', '.join(skipped)}: at most {SEND_LIMITS_WORDING} invitation "
            "emails go to one address. Try again later, or copy the link and share it yourself.",
            "warning",
        )
    return redirect(back)
