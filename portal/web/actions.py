"""Acting on one object without signing in: the page behind a no-login link in an email.

GET only shows the page, so a mail scanner that follows the link changes nothing; every action
is a form POST with a CSRF token. Any link that cannot be used (unknown, expired, revoked,
another firm's, switched off, its object or address gone) gets the same 404 page.
"""

from __future__ import annotations

from contextlib import suppress

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from portal.audit.service import Outcome, record
from portal.clients.directory import login_enabled
from portal.clients.invitations import SendLimitReached, send_invitation
from portal.clients.notify import notify_managers
from portal.core.database import utcnow
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.http import no_referrer
from portal.core.ratelimit import enforce
from portal.documents import links, service
from portal.documents.links import Resolved
from portal.documents.models import LinkPurpose, RequestStatus
from portal.files.downloads import download_response
from portal.files.uploads import large_body
from tenants.context import current_tenant
from themes.loader import render_themed

bp = Blueprint("actions", __name__, url_prefix="/act")


class LinkUploadForm(FlaskForm):
    file = FileField(
        _l("Choose the file"), validators=[FileRequired(_l("Choose a file to upload."))]
    )


class ActForm(FlaskForm):
    """A button that acts (download, ask for portal access): CSRF only."""


def _resolve(token: str, purpose: LinkPurpose | None = None) -> Resolved | None:
    enforce("120/hour", "action-link-ip", current_tenant.id, request.remote_addr or "-")
    resolved = links.resolve(current_tenant, token)
    if resolved is None or (purpose is not None and resolved.link.purpose != purpose):
        db.session.rollback()  # frees SQLite for the audit row
        record("action_link.invalid", tenant=current_tenant, outcome=Outcome.REFUSED)
        return None
    return resolved


def _invalid() -> tuple[str, int]:
    return render_themed(current_tenant.theme, "portal/actions/invalid.html"), 404


@bp.route("/<token>", methods=["GET", "POST"])
@no_referrer
@large_body
def show(token: str) -> ResponseReturnValue:
    resolved = _resolve(token)
    if resolved is None:
        return _invalid()
    form = LinkUploadForm()
    if request.method == "POST":
        if resolved.link.purpose != LinkPurpose.UPLOAD or resolved.request is None:
            return _invalid()
        if form.validate_on_submit():
            try:
                stored = service.upload(
                    current_tenant,
                    resolved.request,
                    form.file.data,
                    contact_id=resolved.contact.id,
                    by=resolved.link.email,
                    via_link=True,
                )
            except UserError as exc:
                db.session.rollback()
                show_on_form(form, exc, default_field="file")
            else:
                links.mark_used(resolved)
                db.session.commit()
                _used(resolved, "upload")
                flash(
                    _(
                        "Received “%(name)s”. Thank you, %(firm)s has been told.",
                        name=stored.name,
                        firm=current_tenant.name,
                    )
                )
                return redirect(url_for("actions.show", token=token))
    return _page(resolved, token, form), form_status(form)


@bp.post("/<token>/download")
@no_referrer
def download(token: str) -> ResponseReturnValue:
    resolved = _resolve(token, LinkPurpose.VIEW)
    if resolved is None or resolved.file is None or not ActForm().validate_on_submit():
        return _invalid()
    links.mark_used(resolved)
    db.session.commit()
    _used(resolved, "download")
    return download_response(current_tenant, resolved.file)


@bp.post("/<token>/access")
@no_referrer
def ask_access(token: str) -> ResponseReturnValue:
    """Set up full portal access: a fresh invitation if the firm already gave this person
    access, otherwise the firm's managers are asked. The answer is the same either way."""
    resolved = _resolve(token)
    if resolved is None or not ActForm().validate_on_submit():
        return _invalid()
    enforce("3/day", "action-link-access", current_tenant.id, resolved.contact.id)
    contact = resolved.contact
    if contact.activated_at is not None:
        pass  # they already sign in with their password
    elif login_enabled(current_tenant.id, resolved.account_id, contact.id):
        with suppress(SendLimitReached):  # the answer never says whether an email went out
            send_invitation(current_tenant, contact, invited_by="Client (asked from an email link)")
    else:
        notify_managers(current_tenant, "portal_access_request", contact=contact)
    db.session.commit()
    return render_themed(
        current_tenant.theme,
        "access/notice.html",
        title=_("Request received"),
        message=_(
            "Thank you. %(firm)s will set up your portal access: look for an "
            "invitation email (check your spam or junk folder too). If you already have "
            "access, sign in with your email and password.",
            firm=current_tenant.name,
        ),
    )


def _page(resolved: Resolved, token: str, form: LinkUploadForm) -> str:
    return render_themed(
        current_tenant.theme,
        "portal/actions/show.html",
        link=resolved.link,
        document=resolved.request,
        file=resolved.file,
        form=form,
        act_form=ActForm(),
        token=token,
        closed=resolved.request is not None and resolved.request.status == RequestStatus.ACCEPTED,
        uploads=(
            service.uploads_of(current_tenant, resolved.request.id)
            if resolved.request is not None
            else []
        ),
        today=utcnow().date(),
    )


def _used(resolved: Resolved, what: str) -> None:
    record(
        "action_link.used",
        tenant=current_tenant,
        principal_kind="client",
        principal_id=resolved.contact.id,
        outcome=Outcome.SUCCESS,
        detail=f"{what} link={resolved.link.id}",
    )
