"""Settings > Domains: custom web domains, their DNS records and status, and the primary host."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from admin.access import settings_permission_required
from admin.forms import AddDomainForm, PrimaryHostForm, SelectChoice
from jobs.queue import enqueue
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from portal.core.ratelimit import hit
from tenants.context import current_tenant
from tenants.models import Domain
from tenants.scoping import get_owned
from tenants.snapshot import TenantSnapshot
from tenants.webdomains.records import records_for
from tenants.webdomains.service import (
    choose_primary,
    claim_domain,
    primary_choices,
    remove_domain,
    request_manual_check,
    tenant_domains,
)

bp = Blueprint("admin_domains", __name__, url_prefix="/admin/settings/domains")
CHECKS_PER_TENANT = "30/hour"
NO_PRIMARY = ""


def _domain(domain_id: int) -> Domain:
    domain = get_owned(Domain, current_tenant, domain_id)
    if domain is None:
        abort(404)
    return domain


def _primary_form(tenant: TenantSnapshot) -> PrimaryHostForm:
    form = PrimaryHostForm(primary_host=tenant.primary_host or NO_PRIMARY)
    form.primary_host.choices = [
        SelectChoice(NO_PRIMARY, "None: every address serves the portal, no redirects"),
        *(SelectChoice(host, host) for host in primary_choices(tenant)),
    ]
    return form


@bp.route("/", methods=["GET", "POST"])
@settings_permission_required
def index() -> ResponseReturnValue:
    form = AddDomainForm()
    if form.validate_on_submit():
        try:
            domain = claim_domain(current_tenant, form.host.data)
        except UserError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            enqueue("check_web_domain", domain.tenant_id, domain.id)
            flash(f"{domain.host} added. Add the DNS records below; we check them for you.")
            return redirect(url_for("admin_domains.index", _anchor=f"domain-{domain.id}"))
    return render_template(
        "admin/domains/index.html",
        form=form,
        primary_form=_primary_form(current_tenant),
        domains=[
            (domain, records_for(domain, current_app.config))
            for domain in tenant_domains(current_tenant)
        ],
    ), form_status(form)


@bp.post("/<int:domain_id>/check")
@settings_permission_required
def check(domain_id: int) -> Response:
    domain = _domain(domain_id)
    anchor = f"domain-{domain.id}"
    wait = request_manual_check(domain)
    if wait:
        flash(f"{domain.host} was checked a moment ago; try again in {wait} s.")
        return redirect(url_for("admin_domains.index", _anchor=anchor))
    if hit(CHECKS_PER_TENANT, "domain-check", current_tenant.id) is not None:
        db.session.rollback()
        flash("Too many DNS checks this hour; checks continue automatically in the background.")
        return redirect(url_for("admin_domains.index"))
    host = domain.host
    db.session.commit()
    enqueue("check_web_domain", current_tenant.id, domain_id)
    flash(f"Checking the DNS records of {host}.")
    return redirect(url_for("admin_domains.index", _anchor=anchor))


@bp.post("/<int:domain_id>/remove")
@settings_permission_required
def remove(domain_id: int) -> Response:
    domain = _domain(domain_id)
    host = domain.host
    remove_domain(domain)
    db.session.commit()
    flash(f"{host} removed; within a second it no longer serves your portal.")
    return redirect(url_for("admin_domains.index"))


@bp.post("/primary")
@settings_permission_required
def primary() -> Response:
    form = _primary_form(current_tenant)
    if not form.validate_on_submit():
        flash("Choose the platform address or a verified domain.")
        return redirect(url_for("admin_domains.index"))
    host = form.primary_host.data or None
    try:
        choose_primary(current_tenant, host)
    except UserError as error:
        db.session.rollback()
        flash(error.message)
        return redirect(url_for("admin_domains.index"))
    db.session.commit()
    if host:
        flash(f"Primary address saved: other addresses now redirect to {host}.")
    else:
        flash("Primary address cleared: every address serves the portal.")
    return redirect(url_for("admin_domains.index"))
