"""Settings › Email domain: add a sending domain, see the records and their checks."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from admin.access import settings_permission_required
from admin.forms import MailDomainForm
from jobs.queue import enqueue
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.maildomains.models import MailDomainStatus
from portal.maildomains.records import records_for
from portal.maildomains.service import (
    add_domain,
    check_history,
    manual_check_wait,
    remove_domain,
    tenant_domain,
)
from tenants.context import current_tenant

bp = Blueprint("admin_mail_domains", __name__, url_prefix="/admin/settings/email-domain")
HISTORY_LENGTH = 30


@bp.route("/", methods=["GET", "POST"])
@settings_permission_required
def index() -> ResponseReturnValue:
    row = tenant_domain(current_tenant)
    form = MailDomainForm()
    if row is None and not form.is_submitted():
        form.display_name.data = current_tenant.name
    if row is None and form.validate_on_submit():
        try:
            row = add_domain(
                current_tenant,
                form.domain.data or "",
                form.local_part.data or "",
                form.display_name.data or "",
                form.reply_to.data or "",
            )
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()  # its first check is planned: the sweep starts it when due
            flash(f"{row.domain} added. Publish the records below, then click Verify now.")
            return redirect(url_for("admin_mail_domains.index"))
    return render_template(
        "admin/maildomain/index.html",
        form=form,
        domain=row,
        records=records_for(row, current_app.config) if row is not None else [],
        history=check_history(row, HISTORY_LENGTH) if row is not None else [],
        platform_sender=current_app.config["MAIL_DEFAULT_SENDER"],
        statuses=MailDomainStatus,
    ), form_status(form)


@bp.post("/verify")
@settings_permission_required
def verify() -> Response:
    row = tenant_domain(current_tenant)
    if row is None:
        return redirect(url_for("admin_mail_domains.index"))
    wait = manual_check_wait(row)
    if wait:
        flash(f"Checked moments ago; you can check again in {wait} seconds.")
        return redirect(url_for("admin_mail_domains.index"))
    tenant_id, mail_domain_id = row.tenant_id, row.id
    db.session.rollback()  # end this read: the check runs and commits in a session of its own
    job_id = f"foyer-maildomain-{mail_domain_id}"
    enqueue("check_mail_domain", tenant_id, mail_domain_id, job_id=job_id)
    flash("Checking your DNS records now; refresh this page in a few seconds.")
    return redirect(url_for("admin_mail_domains.index"))


@bp.post("/remove")
@settings_permission_required
def remove() -> Response:
    if remove_domain(current_tenant):
        db.session.commit()
        flash("Sending domain removed. Email now goes out from the platform address.")
    return redirect(url_for("admin_mail_domains.index"))
