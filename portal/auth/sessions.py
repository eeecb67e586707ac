"""Sign-in sessions per device: "sign out" ends this browser's session only, the profile lists
the others and ends any of them.

Each sign-in of a firm person (staff or client) creates a row whose random key is kept in the
session cookie and only as a SHA-256 here. The user loader finds the principal and its live
row in one query (`principals.load_principal`). The principal's nonce still ends every session
at once (sign out everywhere, password reset, deactivation). Operators keep the nonce alone: a
handful of people on one host, so a device list would add nothing but a table read.

The list shows what helps someone recognise a device (browser and system, a truncated address,
when it was last used), never the full IP address or user-agent string.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, ForeignKey, Index, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from portal.auth.tokens import hash_token
from portal.core.database import utcnow
from portal.core.extensions import Model, db

SEEN_EVERY = timedelta(minutes=5)  # last_seen_at is written at most this often per session
SHOWN = 50  # the device list shows the most recent sessions; older ones stay valid


class SignInSession(Model):
    """One signed-in browser. `tenant_id` is the firm of the person (never NULL for them: the
    column is nullable like the second-factor tables so the shape stays open to operators)."""

    __tablename__ = "sign_in_sessions"
    __table_args__ = (
        Index("ix_sign_in_sessions_principal", "tenant_id", "principal_kind", "principal_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    principal_kind: Mapped[str] = mapped_column(String(16))
    principal_id: Mapped[int]
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The person's nonce when signing in: a rotation (sign out everywhere, password reset,
    # deactivation) ends every row at once, and the device list shows only current ones.
    nonce: Mapped[str] = mapped_column(String(32), default="")
    device: Mapped[str] = mapped_column(String(80), default="")
    ip_prefix: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


@dataclass(frozen=True, slots=True)
class Holder:
    """Whose sessions: the same (kind, id, firm) triple the second-factor tables use."""

    kind: str
    id: int
    tenant_id: int | None


def start_session(holder: Holder, nonce: str, user_agent: str, remote_addr: str | None) -> str:
    """Add a session row; return the raw key for the cookie. The caller commits."""
    raw = secrets.token_urlsafe(32)
    db.session.add(
        SignInSession(
            tenant_id=holder.tenant_id,
            principal_kind=holder.kind,
            principal_id=holder.id,
            key_hash=hash_token(raw),
            nonce=nonce,
            device=describe_device(user_agent),
            ip_prefix=truncate_ip(remote_addr),
        )
    )
    return raw


def touch(row: SignInSession) -> None:
    """Record that the session is in use, at most every SEEN_EVERY, in its own small commit
    (a GET page commits nothing else, and its view has not started work yet)."""
    now = utcnow()
    if now - row.last_seen_at < SEEN_EVERY:
        return
    db.session.execute(
        update(SignInSession)
        .where(SignInSession.id == row.id)
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _theirs(holder: Holder) -> list[ColumnElement[bool]]:
    scope = (
        SignInSession.tenant_id.is_(None)
        if holder.tenant_id is None
        else SignInSession.tenant_id == holder.tenant_id
    )
    return [
        scope,
        SignInSession.principal_kind == holder.kind,
        SignInSession.principal_id == holder.id,
        SignInSession.ended_at.is_(None),
    ]


def live_sessions(holder: Holder, nonce: str) -> list[SignInSession]:
    """Open sessions of the current nonce, most recently used first (at most SHOWN: one
    query, bounded)."""
    query = (
        select(SignInSession)
        .where(*_theirs(holder), SignInSession.nonce == nonce)
        .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())
        .limit(SHOWN)
    )
    return list(db.session.scalars(query))


def devices(holder: Holder, nonce: str, current_key: str) -> list[tuple[SignInSession, bool]]:
    """The device list: (session, is this browser), this browser first."""
    rows = [(row, is_current(row, current_key)) for row in live_sessions(holder, nonce)]
    return sorted(rows, key=lambda pair: not pair[1])


def end_session(holder: Holder, session_id: int) -> bool:
    """End one of the holder's own sessions; another person's id ends nothing."""
    ended = db.session.execute(
        update(SignInSession)
        .where(SignInSession.id == session_id, *_theirs(holder))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(ended, "rowcount", 0))


def end_others(holder: Holder, keep_key: str | None) -> int:
    """End every open session but the one with `keep_key` (the browser asking)."""
    criteria = _theirs(holder)
    if keep_key:
        criteria.append(SignInSession.key_hash != hash_token(keep_key))
    ended = db.session.execute(
        update(SignInSession)
        .where(*criteria)
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(ended, "rowcount", 0))


def end_by_key(raw_key: str) -> None:
    db.session.execute(
        update(SignInSession)
        .where(SignInSession.key_hash == hash_token(raw_key), SignInSession.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def key_is_open(raw_key: str) -> bool:
    """Whether the asking browser's own session is still open (after ending one by id)."""
    if not raw_key:
        return False
    found = db.session.scalar(
        select(SignInSession.id).where(
            SignInSession.key_hash == hash_token(raw_key), SignInSession.ended_at.is_(None)
        )
    )
    return found is not None


def is_current(row: SignInSession, raw_key: str | None) -> bool:
    return bool(raw_key) and row.key_hash == hash_token(raw_key or "")


# --- what the device list shows -------------------------------------------------------------

_BROWSERS = (
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/")),
    ("Safari", re.compile(r"Safari/")),
)
_SYSTEMS = (
    ("iPhone", re.compile(r"iPhone")),
    ("iPad", re.compile(r"iPad")),
    ("Android", re.compile(r"Android")),
    ("Windows", re.compile(r"Windows")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("Linux", re.compile(r"Linux")),
)


def describe_device(user_agent: str) -> str:
    """ "Firefox on Windows": enough to recognise a device; "" when nothing is recognised."""
    browser = next((name for name, pattern in _BROWSERS if pattern.search(user_agent)), "")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system


def truncate_ip(remote_addr: str | None) -> str:
    """The /24 (IPv4) or /48 (IPv6) network: where, roughly, without keeping the address."""
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
