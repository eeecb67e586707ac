"""Portal pages during a staff member's "Preview as client" (portal/clients/preview.py).

Before each portal request of a previewing staff session the contact becomes the signed-in
user for that request only, and the request turns read-only: an unsafe method is refused with
a clear page, and any write a page would make (even a GET's "seen" flag) is refused at the
database session instead of being saved. Staff pages (`/admin/…`) stay the staff member's.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session
from werkzeug.wrappers import Response

from portal.audit.service import Outcome, record
from portal.clients import preview
from portal.core.errors import ErrorPage, error_response
from portal.core.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_ONLY = "foyer.preview_read_only"
MESSAGE = (
    "This is a read-only preview: nothing can be sent, saved or changed while you preview the "
    "portal as a client. End the preview to act as yourself."
)


class PreviewWrite(Exception):
    """A page tried to save something during a preview."""


@dataclass(frozen=True, slots=True)
class Banner:
    name: str


def init_app(app: Flask) -> None:
    app.before_request(_enter_preview)
    app.register_error_handler(PreviewWrite, _refused)
    app.teardown_request(_leave_read_only)
    app.context_processor(lambda: {"preview": g.get("preview")})
    event.listen(Session, "before_flush", _no_flush)
    event.listen(Session, "do_orm_execute", _no_write_statement)


def _enter_preview() -> Response | None:
    if g.get("tenant") is None or preview.SESSION_KEY not in session:
        return None
    if (request.blueprint or "").startswith("admin") or request.endpoint in (None, "static"):
        return None
    staff = current_user._get_current_object()
    if getattr(staff, "kind", None) != "staff":
        return None
    running = preview.active(g.tenant, staff.id)
    if running is None:
        return None
    g._login_user = running.contact  # Flask-Login's per-request user: the contact, detached
    g.preview = Banner(running.name)
    db.session.info[READ_ONLY] = True
    if request.method not in SAFE_METHODS:
        record(
            "preview.refused",
            tenant=g.tenant,
            principal_kind="staff",
            principal_id=staff.id,
            outcome=Outcome.REFUSED,
            detail=f"{request.method} {request.path}"[:200],
        )
        return _page()
    return None


def _leave_read_only(_error: BaseException | None) -> None:
    db.session.info.pop(READ_ONLY, None)


def _no_flush(orm: Session, _context: object, _instances: object) -> None:
    if orm.info.get(READ_ONLY) and (orm.new or orm.dirty or orm.deleted):
        raise PreviewWrite()


def _no_write_statement(state: ORMExecuteState) -> None:
    if state.session.info.get(READ_ONLY) and (
        state.is_insert or state.is_update or state.is_delete
    ):
        raise PreviewWrite()


def _refused(_error: PreviewWrite) -> Response:
    db.session.rollback()
    return _page()


def _page() -> Response:
    page = ErrorPage(403, "Read-only preview", MESSAGE, "/", "Back to the portal home")
    return error_response(page)
