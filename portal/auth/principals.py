"""Flask-Login glue for the three kinds of people: operators, firm staff and clients.

The session stores `kind:id:nonce`. A principal is loaded only on a host where it belongs
(operators on the platform host, staff and clients on their own tenant's hosts), and only while
its nonce is unchanged, so signing out or resetting a password ends every copied cookie.
"""

from __future__ import annotations

import hmac
from typing import Protocol

from flask import Flask, g, session
from flask_login import login_user, logout_user

from portal.auth.tokens import new_nonce
from portal.core.extensions import db, login_manager


class Principal(Protocol):
    id: int
    session_nonce: str


_KINDS: dict[str, tuple[type, bool]] = {}


def register_principal(kind: str, model: type, *, tenant_owned: bool) -> None:
    _KINDS[kind] = (model, tenant_owned)


def principal_id(kind: str, principal: Principal) -> str:
    return f"{kind}:{principal.id}:{principal.session_nonce}"


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    # Foyer has no remember-me cookie (sessions are permanent and end with the nonce), so
    # Flask-Login's hook that maintains one would only cost time on every response.
    app.after_request_funcs[None].remove(login_manager._update_remember_cookie)
    login_manager.session_protection = None
    login_manager.user_loader(load_principal)


def load_principal(value: str) -> object | None:
    kind, _, rest = value.partition(":")
    raw_id, _, nonce = rest.partition(":")
    if kind not in _KINDS or not raw_id.isdigit() or not nonce:
        return None
    model, tenant_owned = _KINDS[kind]
    tenant = g.get("tenant")
    if tenant_owned != (tenant is not None):
        return None
    principal = db.session.get(model, int(raw_id))
    if principal is None or (tenant_owned and principal.tenant_id != tenant.id):
        return None
    if not principal.session_nonce or not hmac.compare_digest(principal.session_nonce, nonce):
        return None
    if not getattr(principal, "can_sign_in", True):
        return None
    return principal


def sign_in(principal: object) -> None:
    """Start a fresh session: whatever the pre-login session held is dropped."""
    session.clear()
    if not principal.session_nonce:  # type: ignore[attr-defined]
        principal.session_nonce = new_nonce()  # type: ignore[attr-defined]
    session.permanent = True
    login_user(principal)  # type: ignore[arg-type]


def sign_out_everywhere(principal: object) -> None:
    """Rotate the nonce so every existing session cookie of this principal stops working."""
    principal.session_nonce = new_nonce()  # type: ignore[attr-defined]
    logout_user()
    session.clear()
