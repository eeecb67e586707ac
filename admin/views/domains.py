"""Settings > Domains: custom web domains, their DNS records and status, and the primary host."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from admin.access import settings_permission_required
from admin.forms import AddDomainForm, PrimaryHostForm
from jobs.queue import enqueue
from jobs.web_domains import check_web_domain
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.core.ratelimit import hit
from tenants.context import current_tenant
from tenants.domains import (
    DomainError,
    choose_primary,
    claim_domain,
    primary_choices,
    records_for,
    remove_domain,
)
from tenants.models import Domain, Tenant

bp = Blueprint("admin_domains", __name__, url_prefix="/admin/settings/domains")
CHECK_COOLDOWN = timedelta(seconds=60)
CHECKS_PER_TENANT = "30/hour"
NO_PRIMARY = ""


def _tenant() -> Tenant:
    return db.session.get(Tenant, current_tenant.id)


def _domain(domain_id: int) -> Domain:
    domain = db.session.scalar(
        select(Domain).where(Domain.tenant_id == current_tenant.id, Domain.id == domain_id)
    )
    if domain is None:
        abort(404)
    return domain


def _primary_form(tenant: Tenant) -> PrimaryHostForm:
    form = PrimaryHostForm(primary_host=tenant.primary_host or NO_PRIMARY)
    form.primary_host.choices = [
        SelectChoice(NO_PRIMARY, "None: every address serves the portal, no redirects"),
        *(SelectChoice(host, host) for host in primary_choices(tenant)),
    ]
    return form


@bp.route("/", methods=["GET", "POST"])
@settings_permission_required
def index():  # type: ignore[no-untyped-def]
    tenant = _tenant()
    form = AddDomainForm()
    if form.validate_on_submit():
        try:
            domain = claim_domain(tenant, form.host.data)
        except DomainError as exc:
            db.session.rollback()
            form.host.errors.append(str(exc))
        else:
            db.session.commit()
            enqueue(check_web_domain, tenant.id, domain.id)
            flash(f"{domain.host} added. Add the DNS records below; we check them for you.")
            return redirect(url_for("admin_domains.index", _anchor=f"domain-{domain.id}"))
    domains = db.session.scalars(
        select(Domain).where(Domain.tenant_id == tenant.id).order_by(Domain.created_at)
    ).all()
    return render_template(
        "admin/domains/index.html",
        form=form,
        primary_form=_primary_form(tenant),
        domains=[(domain, records_for(domain)) for domain in domains],
        tenant_row=tenant,
    )


@bp.post("/<int:domain_id>/check")
@settings_permission_required
def check(domain_id: int):  # type: ignore[no-untyped-def]
    domain = _domain(domain_id)
    now = utcnow()
    if domain.check_requested_at and now - domain.check_requested_at < CHECK_COOLDOWN:
        wait = int((CHECK_COOLDOWN - (now - domain.check_requested_at)).total_seconds()) + 1
        flash(f"{domain.host} was checked a moment ago; try again in {wait} s.")
        return redirect(url_for("admin_domains.index", _anchor=f"domain-{domain.id}"))
    if hit(CHECKS_PER_TENANT, "domain-check", current_tenant.id) is not None:
        flash("Too many DNS checks this hour; checks continue automatically in the background.")
        return redirect(url_for("admin_domains.index"))
    domain.check_requested_at = now
    db.session.commit()
    enqueue(check_web_domain, current_tenant.id, domain.id)
    flash(f"Checking the DNS records of {domain.host}.")
    return redirect(url_for("admin_domains.index", _anchor=f"domain-{domain.id}"))


@bp.post("/<int:domain_id>/remove")
@settings_permission_required
def remove(domain_id: int):  # type: ignore[no-untyped-def]
    domain = _domain(domain_id)
    host = domain.host
    remove_domain(_tenant(), domain)
    db.session.commit()
    flash(f"{host} removed; it no longer serves your portal.")
    return redirect(url_for("admin_domains.index"))


@bp.post("/primary")
@settings_permission_required
def primary():  # type: ignore[no-untyped-def]
    tenant = _tenant()
    form = _primary_form(tenant)
    if not form.validate_on_submit():
        flash("Choose the platform address or a verified domain.")
        return redirect(url_for("admin_domains.index"))
    try:
        choose_primary(tenant, form.primary_host.data or None)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc))
        return redirect(url_for("admin_domains.index"))
    db.session.commit()
    if tenant.primary_host:
        flash(f"Primary address saved: other addresses now redirect to {tenant.primary_host}.")
    else:
        flash("Primary address cleared: every address serves the portal.")
    return redirect(url_for("admin_domains.index"))
