"""Session hand-over when a tenant's other hosts redirect to its primary host.

Cookies are host-only, so a browser signed in on `acme.<platform>` has no session on
`portal.acme.com`. The 308 redirect of a GET carries a 60-second, single-use token signed with
SECRET_KEY and bound to the tenant and the target host; the primary host exchanges it for the
same login and strips it from the address. The login is re-checked by the user loader there
(tenant, session nonce), so a token never grants more than the cookie it stands for.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import urlencode

from flask import current_app, redirect, request, session
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.models import HostHandover

PARAM = "foyer_handover"
MAX_AGE = 60
LOGIN_KEY = "_user_id"  # where Flask-Login keeps the principal id


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="foyer.host-handover")


def _query_without_token() -> str:
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != PARAM]
    return urlencode(pairs)


def primary_redirect(tenant_id: int, primary: str) -> Response:
    """308 to the same path and query on the primary host, handing a signed-in session over."""
    port = current_app.config.get("PUBLIC_PORT")
    netloc = f"{primary}:{port}" if port else primary
    query = _query_without_token() if PARAM in request.args else request.query_string.decode()
    login = session.get(LOGIN_KEY) if request.method in ("GET", "HEAD") else None
    if login:
        token = _serializer().dumps(
            {"u": login, "t": tenant_id, "h": primary, "j": secrets.token_urlsafe(16)}
        )
        query = f"{query}&{PARAM}={token}" if query else f"{PARAM}={token}"
    url = f"{request.scheme}://{netloc}{request.script_root}{request.path}"
    response = redirect(f"{url}?{query}" if query else url, 308)
    response.headers["Referrer-Policy"] = "no-referrer"
    if login:
        response.headers["Cache-Control"] = "no-store"
    return response


def accept_handover(tenant_id: int, host: str) -> Response:
    """Exchange a valid token for the login it carries, then drop it from the address."""
    try:
        data = _serializer().loads(request.args.get(PARAM, ""), max_age=MAX_AGE)
    except BadData:
        data = None
    if (
        request.method in ("GET", "HEAD")
        and isinstance(data, dict)
        and data.get("t") == tenant_id
        and data.get("h") == host
        and isinstance(data.get("u"), str)
        and _consume(str(data.get("j")))
    ):
        session.clear()
        session[LOGIN_KEY] = data["u"]
        session["_fresh"] = False
        session.permanent = True
    query = _query_without_token()
    response = redirect(f"{request.script_root}{request.path}" + (f"?{query}" if query else ""))
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _consume(token_id: str) -> bool:
    """Atomic single use: the primary key refuses a second insert, even a concurrent one."""
    now = utcnow()
    db.session.execute(
        delete(HostHandover).where(HostHandover.created_at < now - timedelta(minutes=10))
    )
    db.session.add(HostHandover(token_id=token_id[:64], created_at=now))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True
