"""Flask-Login glue for the three kinds of people: operators, firm staff and clients.

The session stores `kind:id:nonce` and, for firm people, `:key` naming their sign-in session
(`portal.auth.sessions`). A principal is loaded only on a host where it belongs (operators on
the platform host, staff and clients on their own tenant's hosts), only while its nonce is
unchanged (signing out everywhere or resetting a password ends every copied cookie), and for
firm people only while that session is open (signing out ends this browser's session).
"""

from __future__ import annotations

import enum
import hmac
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from flask import Flask, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy import Executable, Integer, String, and_, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.audit.service import Outcome, record
from portal.auth.sessions import Holder, SignInSession, end_by_key, start_session, touch
from portal.auth.tokens import hash_token, new_nonce
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
        key = getattr(self, "_session_key", "")
        base = f"{self.kind}:{self.id}:{self.session_nonce}"
        return f"{base}:{key}" if key else base

    @property
    def session_key(self) -> str:
        """This browser's sign-in session key (set by sign-in or by the user loader)."""
        return str(getattr(self, "_session_key", ""))

    @property
    def holder(self) -> Holder:
        return Holder(str(self.kind), self.id, getattr(self, "tenant_id", None))


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
    raw_id, _, rest = rest.partition(":")
    nonce, _, key = rest.partition(":")
    model = _principal_models().get(kind)
    if model is None or not raw_id.isdigit() or not nonce:
        return None
    tenant = g.get("tenant")
    if model.tenant_owned != (tenant is not None):
        _refuse("session.wrong_host", tenant, kind, int(raw_id), f"{kind} session")
        return None
    principal, live = _principal_and_session(model, int(raw_id), key)
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
    if model.tenant_owned and live is None:
        _refuse("session.ended", tenant, kind, principal.id, "this session was signed out")
        return None
    if not principal.can_sign_in:
        _refuse("session.disabled", tenant, kind, principal.id, "cannot sign in")
        return None
    if live is not None:
        principal._session_key = key  # type: ignore[attr-defined]
        touch(live)
    return principal


_session_queries: dict[str, Executable] = {}


def _principal_and_session(
    model: type[Principal], principal_id: int, key: str
) -> tuple[Principal | None, SignInSession | None]:
    """The principal and its open session with this key, in one query (every page asks)."""
    if not model.tenant_owned:
        return db.session.get(model, principal_id), None
    params = {"principal_id": principal_id, "key_hash": hash_token(key)}
    row = db.session.execute(_session_query(model), params).first()
    if row is None:
        return None, None
    return row[0], row[1]


def _session_query(model: type[Principal]) -> Executable:
    """Built once per model with bound parameters: building it per request cost more than
    running it (`python -m bench.request_profile --page home`)."""
    query = _session_queries.get(model.kind)
    if query is None:
        query = _session_queries[model.kind] = _build_session_query(model)
    return query


def _build_session_query(model: type[Principal]) -> Executable:
    table = model.__table__  # type: ignore[attr-defined]
    opened = and_(
        SignInSession.tenant_id == table.c.tenant_id,
        SignInSession.principal_kind == str(model.kind),
        SignInSession.principal_id == table.c.id,
        SignInSession.key_hash == bindparam("key_hash", type_=String()),
        SignInSession.nonce == table.c.session_nonce,
        SignInSession.ended_at.is_(None),
    )
    query = select(model, SignInSession).outerjoin(SignInSession, opened)
    return query.where(table.c.id == bindparam("principal_id", type_=Integer()))


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
    """Start a fresh session: whatever the pre-login session held is dropped; firm people get a
    sign-in session row for this browser."""
    session.clear()
    if not principal.session_nonce:
        principal.session_nonce = new_nonce()
    if principal.tenant_owned:
        key = start_session(
            principal.holder,
            principal.session_nonce,
            request.headers.get("User-Agent", ""),
            request.remote_addr,
        )
        principal._session_key = key  # type: ignore[attr-defined]
    session.permanent = True
    login_user(principal)


def sign_out(principal: Principal) -> None:
    """End this browser's session only; the person stays signed in on their other devices.
    An operator (no per-device sessions) is signed out everywhere."""
    if principal.session_key:
        end_by_key(principal.session_key)
    else:
        principal.session_nonce = new_nonce()
    logout_user()
    session.clear()


def sign_out_everywhere(principal: Principal) -> None:
    """Rotate the nonce so every existing session cookie of this principal stops working."""
    principal.session_nonce = new_nonce()
    logout_user()
    session.clear()
