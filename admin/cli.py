"""Operator commands: `foyer operators …`, `foyer tenants …`, `foyer jobs …`, `foyer demo`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask.globals import app_ctx
from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.serving import run_simple

from admin.demo import seed_demo
from portal.audit.service import Outcome, record
from portal.auth.api_tokens import create_token, revoke, tokens_of
from portal.auth.staff import create_operator, provision_tenant
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.storage import storage
from portal.operations.deletion import (
    build_export,
    find_tenant,
    purge_after,
    request_deletion,
    restore,
)
from portal.operations.health import failed_jobs, retry_job
from tenants.models import Tenant, TenantStatus
from tenants.provisioning import set_tenant_status
from tenants.resolution import canonical_host

operators_group = AppGroup("operators", help="Platform operator accounts.")
tenants_group = AppGroup("tenants", help="Provision and manage tenants (firms).")
jobs_group = AppGroup("jobs", help="Background jobs: failed ones and retries.")
api_tokens_group = AppGroup("api-tokens", help="Bearer tokens for the REST API.")


@operators_group.command("create")
@click.argument("email")
@click.option("--password", help="Prompted for when omitted.")
def create_operator_command(email: str, password: str | None) -> None:
    """Create a platform operator who signs in on the platform host."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        operator = create_operator(email, password)
    except UserError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Operator {operator.email} created.")


@tenants_group.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The firm's display name.")
@click.option("--owner-email", required=True, help="Invited by email to run the firm dashboard.")
def create_tenant_command(slug: str, name: str, owner_email: str) -> None:
    """Create a tenant and email its owner an invitation."""
    try:
        tenant, link = provision_tenant(slug, name, owner_email)
    except UserError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"Tenant {tenant.slug} created at https://{canonical_host(tenant)}/")
    click.echo(f"Owner invitation sent to {owner_email.strip()}.")


@tenants_group.command("list")
def list_tenants_command() -> None:
    """List tenants with their status and canonical host."""
    for tenant in db.session.scalars(select(Tenant).order_by(Tenant.slug)):
        click.echo(f"{tenant.slug}\t{tenant.status}\t{canonical_host(tenant)}\t{tenant.name}")


@tenants_group.command("suspend")
@click.argument("slug")
def suspend_tenant_command(slug: str) -> None:
    """Take a tenant offline: all its hosts answer 404 within seconds."""
    _set_status(slug, TenantStatus.SUSPENDED)


@tenants_group.command("resume")
@click.argument("slug")
def resume_tenant_command(slug: str) -> None:
    """Bring a suspended tenant back."""
    _set_status(slug, TenantStatus.ACTIVE)


def _set_status(slug: str, status: TenantStatus) -> None:
    try:
        tenant = set_tenant_status(slug, status)
    except UserError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Tenant {tenant.slug} is now {tenant.status}.")


@tenants_group.command("delete")
@click.argument("slug")
@click.option("--reason", default="", help="Kept with the tenant and in the audit log.")
@click.option("--yes", is_flag=True, help="Do not ask to type the slug again.")
def delete_tenant_command(slug: str, reason: str, yes: bool) -> None:
    """Take a tenant offline, export its data, and purge it after the grace period."""
    confirm = slug if yes else click.prompt(f"Type {slug} to confirm the deletion")
    try:
        tenant = find_tenant(slug)
        life = request_deletion(tenant, confirm, reason)
    except UserError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    record("tenant.deletion_requested", tenant=tenant.id, outcome=Outcome.SUCCESS, detail="cli")
    when = purge_after(life)
    click.echo(f"Tenant {tenant.slug} is offline; it is purged after {when:%Y-%m-%d} UTC.")
    key = build_export(tenant.id)
    click.echo(f"Export archive stored as {key} (foyer tenants export {tenant.slug} --out FILE).")


@tenants_group.command("restore")
@click.argument("slug")
def restore_tenant_command(slug: str) -> None:
    """Cancel a deletion within the grace period."""
    try:
        tenant = find_tenant(slug)
        restore(tenant)
    except UserError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    record("tenant.restored", tenant=tenant.id, outcome=Outcome.SUCCESS, detail="cli")
    click.echo(f"Tenant {tenant.slug} is restored ({tenant.status}).")


@tenants_group.command("export")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True))
def export_tenant_command(slug: str, out: str) -> None:
    """Write a tenant's export archive (rows as JSON and its files, zipped) to FILE."""
    try:
        tenant = find_tenant(slug)
        key = build_export(tenant.id)
    except UserError as exc:
        raise click.ClickException(exc.message) from None
    data = storage().get(key) or b""
    with open(out, "wb") as handle:
        handle.write(data)
    click.echo(f"Export of {tenant.slug} written to {out} ({len(data)} bytes).")


@jobs_group.command("failed")
def failed_jobs_command() -> None:
    """List failed jobs with their error's last line."""
    redis = current_app.extensions.get("foyer.redis")
    if redis is None:
        raise click.ClickException("No REDIS_URL: jobs run in-process and none are kept.")
    for job in failed_jobs(redis):
        last = job.error.strip().splitlines()[-1] if job.error.strip() else ""
        click.echo(f"{job.id}\t{job.queue}\t{job.function}\t{last}")


@jobs_group.command("retry")
@click.argument("job_id")
def retry_job_command(job_id: str) -> None:
    """Put a failed job back on its queue."""
    try:
        retry_job(job_id)
    except UserError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Job {job_id} is queued again.")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Set up the demo data and exit.")
@with_appcontext
def demo_command(host: str, port: int, no_serve: bool) -> None:
    """Create the demo tenant and an operator, print how to sign in, and serve the platform."""
    config = current_app.config
    config["PREFERRED_URL_SCHEME"] = "http"
    config["PUBLIC_PORT"] = port
    # A local demo: the printed operator password opens the console at once. Real deployments
    # keep REQUIRE_OPERATOR_2FA on (operators set up an authenticator app at first sign-in).
    config["REQUIRE_OPERATOR_2FA"] = False
    upgrade()
    try:
        credentials = seed_demo()
    except UserError as exc:
        raise click.ClickException(exc.message) from None
    domain = config["PLATFORM_DOMAIN"]
    click.echo("\nFoyer demo is ready.\n")
    click.echo(f"  Operator console  http://{domain}:{port}/operator/")
    click.echo(
        f"    sign in as {credentials['operator_email']} / {credentials['operator_password']}"
    )
    click.echo("    (two-factor sign-in is not required of operators in the demo)")
    click.echo(f"  Demo firm portal  http://demo.{domain}:{port}/")
    click.echo(f"  Firm dashboard    http://demo.{domain}:{port}/admin/")
    click.echo(f"    sign in as {credentials['staff_email']} / {credentials['staff_password']}")
    click.echo(f"  Mailbox (dev)     http://{domain}:{port}/operator/mailbox\n")
    if not no_serve:
        app = app_ctx.app  # the Flask object itself: run_simple serves it from other threads
        run_simple(host, port, app, threaded=True, use_reloader=False)


@api_tokens_group.command("create")
@click.argument("name")
@click.option("--tenant", "slug", help="The firm whose data the token reaches.")
@click.option("--operator", is_flag=True, help="An operator token (tenants API, platform host).")
@click.option("--read-only", is_flag=True, help="Refuse every change (GET only).")
@click.option("--days", type=int, default=None, help="Expire after this many days.")
def create_api_token_command(
    name: str, slug: str | None, operator: bool, read_only: bool, days: int | None
) -> None:
    """Create a firm (--tenant SLUG) or operator (--operator) API token and print it (shown
    once; only its hash is stored)."""
    tenant_id = _token_owner(slug, operator)
    try:
        _, raw = create_token(tenant_id, name, write=not read_only, days=days)
    except UserError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(raw)


def _token_owner(slug: str | None, operator: bool) -> int | None:
    """The tenant id of a firm token, None for an operator token."""
    if operator == bool(slug):
        raise click.ClickException("Give either --tenant SLUG or --operator.")
    if operator:
        return None
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise click.ClickException(f"No tenant {slug!r}.")
    return tenant.id


@api_tokens_group.command("list")
@click.option("--tenant", "slug", help="A firm's tokens.")
@click.option("--operator", is_flag=True, help="Operator tokens.")
def list_api_tokens_command(slug: str | None, operator: bool) -> None:
    """List tokens: id, name, access, last characters, expiry, last use, state."""
    for token in tokens_of(_token_owner(slug, operator)):
        state = "revoked" if token.revoked_at else "live"
        expires = f"{token.expires_at:%Y-%m-%d}" if token.expires_at else "never"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        click.echo(
            f"{token.id}\t{token.name}\t{token.scopes}\t...{token.hint}\t"
            f"expires {expires}\tused {used}\t{state}"
        )


@api_tokens_group.command("revoke")
@click.argument("token_id", type=int)
@click.option("--tenant", "slug", help="The firm the token belongs to.")
@click.option("--operator", is_flag=True, help="An operator token.")
def revoke_api_token_command(token_id: int, slug: str | None, operator: bool) -> None:
    """Revoke a token at once (it answers 401 from then on)."""
    token = revoke(_token_owner(slug, operator), token_id)
    if token is None:
        raise click.ClickException(f"No such token {token_id}.")
    db.session.commit()
    click.echo(f"Token {token.id} ({token.name}) revoked.")


COMMANDS = (operators_group, tenants_group, jobs_group, api_tokens_group, demo_command)
