"""Settings › Email domain: add a sending domain, see the records and their checks."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from sqlalchemy import select

from admin.access import settings_permission_required
from admin.forms import MailDomainForm
from jobs.mail_domains import check_mail_domain, enqueue_scheduled, schedule_check
from jobs.queue import enqueue
from portal.core.extensions import db
from portal.maildomains.models import MailDomainCheck, MailDomainStatus
from portal.maildomains.records import records_for
from portal.maildomains.service import (
    MailDomainError,
    add_domain,
    manual_check_wait,
    next_check_delay,
    remove_domain,
    tenant_domain,
)
from tenants.context import current_tenant

bp = Blueprint("admin_mail_domains", __name__, url_prefix="/admin/settings/email-domain")
HISTORY_LENGTH = 30


@bp.route("/", methods=["GET", "POST"])
@settings_permission_required
def index():  # type: ignore[no-untyped-def]
    tenant_id = current_tenant.id
    row = tenant_domain(tenant_id)
    form = MailDomainForm()
    if row is None and not form.is_submitted():
        form.display_name.data = current_tenant.name
    if row is None and form.validate_on_submit():
        try:
            row = add_domain(
                tenant_id,
                form.domain.data or "",
                form.local_part.data or "",
                form.display_name.data or "",
                form.reply_to.data or "",
            )
        except MailDomainError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors.append(str(exc))
        else:
            db.session.flush()
            schedule_check(row, next_check_delay(row))
            db.session.commit()
            enqueue_scheduled(row)
            flash(f"{row.domain} added. Publish the records below, then click Verify now.")
            return redirect(url_for("admin_mail_domains.index"))
    history = []
    if row is not None:
        history = db.session.scalars(
            select(MailDomainCheck)
            .where(MailDomainCheck.tenant_id == tenant_id, MailDomainCheck.mail_domain_id == row.id)
            .order_by(MailDomainCheck.checked_at.desc(), MailDomainCheck.id.desc())
            .limit(HISTORY_LENGTH)
        ).all()
    return render_template(
        "admin/maildomain/index.html",
        form=form,
        domain=row,
        records=records_for(row, current_app.config) if row is not None else [],
        history=history,
        platform_sender=current_app.config["MAIL_DEFAULT_SENDER"],
        statuses=MailDomainStatus,
    )


@bp.post("/verify")
@settings_permission_required
def verify():  # type: ignore[no-untyped-def]
    tenant_id = current_tenant.id
    row = tenant_domain(tenant_id)
    if row is None:
        return redirect(url_for("admin_mail_domains.index"))
    wait = manual_check_wait(row)
    if wait:
        flash(f"Checked moments ago; you can check again in {wait} seconds.")
        return redirect(url_for("admin_mail_domains.index"))
    mail_domain_id = row.id
    db.session.rollback()
    if current_app.extensions["foyer.queue"] is None:
        status = check_mail_domain(tenant_id, mail_domain_id)
        flash(_VERDICT.get(status, "Check finished."))
    else:
        job_id = f"foyer-maildomain-{mail_domain_id}"
        enqueue(check_mail_domain, tenant_id, mail_domain_id, job_id=job_id)
        flash("Checking your DNS records now; refresh this page in a few seconds.")
    return redirect(url_for("admin_mail_domains.index"))


@bp.post("/remove")
@settings_permission_required
def remove():  # type: ignore[no-untyped-def]
    if remove_domain(current_tenant.id):
        db.session.commit()
        flash("Sending domain removed. Email now goes out from the platform address.")
    return redirect(url_for("admin_mail_domains.index"))


_VERDICT = {
    MailDomainStatus.VERIFIED: "All records are in place: email now goes out from your domain.",
    MailDomainStatus.PENDING: "Some records are not in place yet; see each record below.",
    MailDomainStatus.FAILING: "Some records are wrong; email goes out from the platform address.",
}
