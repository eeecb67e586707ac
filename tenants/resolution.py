"""Resolve every request's Host header to exactly one tenant before any view runs."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import Flask, Request, abort, current_app, request
from flask.ctx import AppContext
from flask.globals import app_ctx
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from portal.core.database import after_commit
from portal.core.extensions import db
from tenants import handover
from tenants.cache import DatabaseVersion, RedisVersion, SharedVersion, TenantCache
from tenants.hosts import normalize_host
from tenants.models import Domain, DomainStatus, Tenant, TenantStatus
from tenants.snapshot import TenantSnapshot

PLATFORM_BLUEPRINTS = frozenset(
    {
        "operator",
        "operator_tenants",
        "operator_health",
        "operator_security",
        "operator_api_tokens",
    }
)
ANY_HOST_ATTRIBUTE = "foyer_any_host"
V = TypeVar("V", bound=Callable[..., object])
T = TypeVar("T")
# Rows whose change drops every process's cached tenants (and their memos); packages that
# memoize settings with `tenant_memo` add their models through `watch_settings`.
_watched: tuple[type, ...] = (Tenant, Domain)


def init_app(app: Flask) -> None:
    redis = app.extensions["foyer.redis"]
    if redis is not None:
        version: SharedVersion = RedisVersion(
            redis, f"{app.config['REDIS_KEY_PREFIX']}tenants:version"
        )
    else:
        version = DatabaseVersion("tenants")
    app.extensions["foyer.tenant_cache"] = TenantCache(
        version,
        ttl=app.config["TENANT_CACHE_TTL"],
        check_interval=app.config["TENANT_CACHE_VERSION_CHECK_INTERVAL"],
    )
    app.before_request_funcs.setdefault(None, []).insert(0, resolve_request_tenant)
    if not event.contains(Session, "after_flush", _invalidate_on_change):
        event.listen(Session, "after_flush", _invalidate_on_change)


def any_host(view: V) -> V:
    """Mark a view as served on every host, known or not (health checks, TLS ask)."""
    setattr(view, ANY_HOST_ATTRIBUTE, True)
    return view


def resolve_request_tenant() -> Response | None:
    """Runs first on every request; it reads each context object once (proxies cost time)."""
    # Flask types its LocalProxy globals as what they proxy, so mypy cannot see the unwrapping.
    ctx: AppContext = app_ctx._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy
    req: Request = request._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy
    app = ctx.app
    context = ctx.g
    endpoint = req.endpoint or ""
    view = app.view_functions.get(endpoint)
    if view is not None and getattr(view, ANY_HOST_ATTRIBUTE, False):
        context.tenant = None
        return None
    # ProxyFix (TRUSTED_PROXIES) has already put X-Forwarded-Host here when it is trusted.
    host = normalize_host(req.environ.get("HTTP_HOST"))
    if host is None:
        abort(404)
    context.host = host
    platform_view = endpoint.rpartition(".")[0] in PLATFORM_BLUEPRINTS
    if host in app.config["PLATFORM_HOSTS"]:
        context.tenant = None
        if not platform_view and endpoint != "home.index":
            abort(404)
        return None
    tenant = tenant_for_host(host)
    if tenant is None or platform_view:
        abort(404)
    context.tenant = tenant
    primary = tenant.primary_host
    if primary and primary != host:  # 308 keeps method and body, so every method may follow
        return handover.primary_redirect(tenant.id, primary)
    if req.query_string and handover.PARAM in req.args:
        return handover.accept_handover(tenant.id, host)
    return None


def tenant_for_host(host: str) -> TenantSnapshot | None:
    cache: TenantCache = current_app.extensions["foyer.tenant_cache"]
    return cache.get(host, _load_snapshot)


def forget_tenants() -> None:
    """Every process drops its cached tenants within a second (the shared version changes).

    ORM changes to a tenant or its domains call this after their commit by themselves."""
    current_app.extensions["foyer.tenant_cache"].invalidate()


def tenant_memo(key: Hashable, load: Callable[[], T]) -> T:
    """Per-tenant settings derived by other packages (the module menu, links), kept with the
    cached tenants: computed once per process until a watched row changes. `key` must name
    the tenant (and the locale, when the value is translated)."""
    cache: TenantCache = current_app.extensions["foyer.tenant_cache"]
    return cache.memo(key, load)


def forget_tenant_memos() -> None:
    """Drop this process's memos now (other processes follow the shared version)."""
    current_app.extensions["foyer.tenant_cache"].forget_memos()


def watch_settings(*models: type) -> None:
    """Committing a change to one of these rows invalidates the tenant cache everywhere."""
    global _watched
    _watched = tuple(dict.fromkeys((*_watched, *models)))


def _invalidate_on_change(session: Session, _context: object) -> None:
    changed = itertools.chain(session.new, session.dirty, session.deleted)
    if any(isinstance(row, _watched) for row in changed):
        after_commit(forget_tenants)


def platform_host_for(slug: str) -> str:
    return f"{slug}.{current_app.config['PLATFORM_DOMAIN']}"


def canonical_host(tenant: Tenant) -> str:
    return tenant.primary_host or platform_host_for(tenant.slug)


def snapshot_of(tenant: Tenant) -> TenantSnapshot:
    return TenantSnapshot(
        id=tenant.id,
        slug=tenant.slug,
        name=tenant.name,
        theme=tenant.theme,
        signup_mode=tenant.signup_mode,
        canonical_host=canonical_host(tenant),
        welcome_message=tenant.welcome_message,
        brand_color=tenant.brand_color,
        accent_color=tenant.accent_color,
        portal_name=tenant.portal_name,
        support_email=tenant.support_email,
        logo_key=tenant.logo_key,
        login_image_key=tenant.login_image_key,
        favicon_key=tenant.favicon_key,
        primary_host=tenant.primary_host,
        invite_expiry_days=tenant.invite_expiry_days,
        expired_invite_action=tenant.expired_invite_action,
        signup_ask_company=tenant.signup_ask_company,
        allow_duplicate_contacts=tenant.allow_duplicate_contacts,
        notify_on_signup=tenant.notify_on_signup,
        unverified_purge_days=tenant.unverified_purge_days,
        clients_invite_teammates=tenant.clients_invite_teammates,
        teammate_approval=tenant.teammate_approval,
        document_reminder_days=tenant.document_reminder_days,
        action_links_enabled=tenant.action_links_enabled,
        action_link_days=tenant.action_link_days,
        max_upload_mb=tenant.max_upload_mb,
        require_staff_2fa=tenant.require_staff_2fa,
        allow_client_passkeys=tenant.allow_client_passkeys,
        client_sign_in=tenant.client_sign_in,
        default_language=tenant.default_language,
        offered_languages=tenant.offered_languages,
    )


def snapshot_by_id(tenant_id: int) -> TenantSnapshot | None:
    """For jobs, which are given ids: the tenant as services take it, whatever its status."""
    tenant = db.session.get(Tenant, tenant_id)
    return snapshot_of(tenant) if tenant is not None else None


def tenant_row(tenant: TenantSnapshot) -> Tenant:
    """The row behind a snapshot, for the settings pages that change it."""
    row = db.session.get(Tenant, tenant.id)
    if row is None:
        abort(404)
    return row


def _load_snapshot(host: str) -> TenantSnapshot | None:
    suffix = "." + current_app.config["PLATFORM_DOMAIN"]
    if host.endswith(suffix) and "." not in host[: -len(suffix)]:
        query = select(Tenant).where(Tenant.slug == host[: -len(suffix)])
    else:
        query = (
            select(Tenant)
            .join(Domain, Domain.tenant_id == Tenant.id)
            .where(Domain.host == host, Domain.status == DomainStatus.VERIFIED)
        )
    tenant = db.session.scalars(query.where(Tenant.status == TenantStatus.ACTIVE)).first()
    if tenant is None:
        return None
    return snapshot_of(tenant)
