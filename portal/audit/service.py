"""Recording security events: a structured log line and, for a firm's events, a row that stays
whatever the request does next (platform-host events have no tenant: log line only).

The row is written in its own short transaction on its own connection, so a failed sign-in
that commits nothing, or a request that rolls back, still leaves its trace, and recording never
commits the caller's unfinished work. On SQLite only one connection may write at a time: a
caller holding uncommitted writes ends its transaction before recording.
"""

from __future__ import annotations

import enum
import json
import logging
import re

from flask import g, has_request_context, request
from sqlalchemy import Select, insert
from sqlalchemy.exc import SQLAlchemyError

from portal.audit.models import AuditEvent
from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

log = logging.getLogger("foyer.audit")
_BARE = re.compile(r"[A-Za-z0-9_.:@/+-]+")
DETAIL_LENGTH = 200
# Set on `g` when a request recorded an event: admin.audit_trail then adds no generic one.
RECORDED_FLAG = "audit_recorded"


class Outcome(enum.StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    BLOCKED = "blocked"  # a rate limit refused the attempt
    REFUSED = "refused"  # a link or a session was presented where it is not valid


def record(
    event: str,
    *,
    tenant: TenantSnapshot | int | None,
    principal_kind: str = "",
    principal_id: int | None = None,
    ip: str | None = None,
    outcome: Outcome,
    detail: str = "",
) -> None:
    """Log one security event and store it (a firm's only). Never pass a password, a token or
    a link here.

    `ip` defaults to the request's remote address (after ProxyFix, when proxies are trusted).
    """
    tenant_id = tenant.id if isinstance(tenant, TenantSnapshot) else tenant
    if ip is None:
        ip = (request.remote_addr or "") if has_request_context() else ""
    if has_request_context():
        setattr(g, RECORDED_FLAG, True)
    detail = detail[:DETAIL_LENGTH]
    fields = {
        "event": event,
        "outcome": str(outcome),
        "tenant": tenant_id,
        "principal_kind": principal_kind,
        "principal_id": principal_id,
        "ip": ip,
        "detail": detail,
    }
    log.info(" ".join(f"{key}={_value(value)}" for key, value in fields.items()))
    row = {
        "at": utcnow(),
        "tenant_id": tenant_id,
        "event": event,
        "outcome": str(outcome),
        "principal_kind": principal_kind,
        "principal_id": principal_id,
        "ip": ip[:64],
        "detail": detail,
    }
    if tenant_id is None:
        return
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(AuditEvent).values(row))
    except SQLAlchemyError:
        # The log line above has the event; a database outage must not turn into a 500.
        log.warning("event=%s outcome=error detail=%s", event, _value("audit row not stored"))


def events_for(tenant: TenantSnapshot | int) -> Select[AuditEvent]:
    """A firm's events, newest first."""
    return owned(AuditEvent, tenant).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def _value(value: object) -> str:
    """key=value friendly: bare when safe, else a JSON string (quotes, escapes); '-' for none."""
    if value is None or value == "":
        return "-"
    text = str(value)
    return text if _BARE.fullmatch(text) else json.dumps(text, ensure_ascii=True)
