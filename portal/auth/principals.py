"""Flask-Login glue for the three kinds of people: operators, firm staff and clients.

The session stores `kind:id:nonce`. A principal is loaded only on a host where it belongs
(operators on the platform host, staff and clients on their own tenant's hosts), and only while
its nonce is unchanged, so signing out or resetting a password ends every copied cookie.
"""

from __future__ import annotations

import enum
import hmac
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from flask import Flask, g, session
from flask_login import login_user, logout_user
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.audit.service import Outcome, record
from portal.auth.tokens import new_nonce
from portal.core.extensions import db, login_manager
from tenants.snapshot import TenantSnapshot


class PrincipalKind(enum.StrEnum):
    OPERATOR = "operator"
    STAFF = "staff"
    CLIENT = "client"


class Principal:
    """Base of every model a person signs in as (Operator, StaffMember, Contact).

    Subclasses set `kind` and `tenant_owned`; `load_principal` finds them by subclassing, so
    nothing is registered at import time.
    """

    kind: ClassVar[PrincipalKind]
    tenant_owned: ClassVar[bool]
    is_authenticated = True
    is_anonymous = False

    if TYPE_CHECKING:
        id: int
    session_nonce: Mapped[str] = mapped_column(String(32), default="")
    last_login_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:
        return True

    @property
    def can_sign_in(self) -> bool:
        return True

    def get_id(self) -> str:
        return f"{self.kind}:{self.id}:{self.session_nonce}"


def _principal_models() -> dict[str, type[Principal]]:
    return {model.kind: model for model in Principal.__subclasses__()}


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    # Foyer has no remember-me cookie (sessions are permanent and end with the nonce), so
    # Flask-Login's hook that maintains one would only cost time on every response.
    app.after_request_funcs[None].remove(login_manager._update_remember_cookie)
    login_manager.session_protection = None
    login_manager.user_loader(load_principal)


def load_principal(value: str) -> Principal | None:
    kind, _, rest = value.partition(":")
    raw_id, _, nonce = rest.partition(":")
    model = _principal_models().get(kind)
    if model is None or not raw_id.isdigit() or not nonce:
        return None
    tenant = g.get("tenant")
    if model.tenant_owned != (tenant is not None):
        _refuse("session.wrong_host", tenant, kind, int(raw_id), f"{kind} session")
        return None
    principal = db.session.get(model, int(raw_id))
    if principal is None:
        _refuse("session.unknown", tenant, kind, int(raw_id), "no such principal")
        return None
    owner = getattr(principal, "tenant_id", None)
    if model.tenant_owned and owner != tenant.id:
        # A cookie copied from another firm's host: the signature is valid (one SECRET_KEY),
        # the principal is real, but it belongs elsewhere.
        _refuse("session.cross_tenant", tenant, kind, principal.id, f"of tenant {owner}")
        return None
    if not principal.session_nonce or not hmac.compare_digest(principal.session_nonce, nonce):
        _refuse("session.ended", tenant, kind, principal.id, "signed out or reset")
        return None
    if not principal.can_sign_in:
        _refuse("session.disabled", tenant, kind, principal.id, "cannot sign in")
        return None
    return principal


def _refuse(
    event: str, tenant: TenantSnapshot | None, kind: str, principal_id: int, detail: str
) -> None:
    """Record a session cookie that no longer (or never) opens a session here, and drop it
    from this host's session so one stale cookie is recorded once, not on every page."""
    record(
        event,
        tenant=tenant,
        principal_kind=kind,
        principal_id=principal_id,
        outcome=Outcome.REFUSED,
        detail=detail,
    )
    session.pop("_user_id", None)


def sign_in(principal: Principal) -> None:
    """Start a fresh session: whatever the pre-login session held is dropped."""
    session.clear()
    if not principal.session_nonce:
        principal.session_nonce = new_nonce()
    session.permanent = True
    login_user(principal)


def sign_out_everywhere(principal: Principal) -> None:
    """Rotate the nonce so every existing session cookie of this principal stops working."""
    principal.session_nonce = new_nonce()
    logout_user()
    session.clear()
