"""One user-error type, one way to show it on a form, and the error pages.

Services raise `UserError("a sentence for the user", field="email")` for input they refuse;
views catch `UserError`, call `show_on_form(form, error)` and answer `form_status(form)`.

Every HTTP error, and a database that cannot be reached, ends in one page: in the tenant's theme
on a tenant host (drawn by the renderer the web layer registers under `THEMED_RENDERER`, so this
core module imports no theme), a plain page on the platform host, a JSON object for JSON
requests. Error pages read no database, so they also work while it is down.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, flash, g, jsonify, redirect, request
from flask_babel import gettext, ngettext
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from portal.core.i18n import N_

log = logging.getLogger("foyer.errors")

THEMED_RENDERER = "foyer.themed_error_page"
UNPROCESSABLE = 422

# status → (heading, one sentence); 413 and 429 fill in their numbers; shown through gettext
PAGES: dict[int, tuple[str, str]] = {
    400: (
        N_("Something went wrong with that request"),
        N_("The page could not use what was sent. Go back, reload the page and try again."),
    ),
    403: (N_("Not allowed"), N_("Your account does not have permission to open this page.")),
    404: (N_("Page not found"), N_("There is nothing at this address.")),
    405: (N_("Not available"), N_("This address does not accept that kind of request.")),
    410: (N_("No longer available"), N_("This page has been removed and will not come back.")),
    413: (N_("Too large"), N_("The file is too large: at most {mb} MB.")),
    429: (N_("Too many attempts"), N_("Too many attempts. Please wait {wait} and try again.")),
    500: (
        N_("Something went wrong"),
        N_("Something went wrong on our side. Please try again in a few minutes."),
    ),
    503: (
        N_("Temporarily unavailable"),
        N_("The service is temporarily unavailable. Please try again in a few minutes."),
    ),
}
# A connection that cannot be made, is lost, or waits too long for the pool: the database is
# unavailable, not the request wrong. Other database errors are bugs and stay 500s.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)


class UserError(ValueError):
    """Input a person must correct; the message is shown to them as it is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def show_on_form(form: Any, error: UserError, default_field: str | None = None) -> None:
    """Attach the message to its field if the form has it, else to `default_field`, else to
    the form as a whole."""
    fields = form._fields
    name = next((n for n in (error.field, default_field) if n and n in fields), None)
    if name is not None:
        fields[name].errors = [*fields[name].errors, error.message]
    else:
        form.form_errors.append(error.message)


def form_status(form: Any) -> int:
    """422 when a form is shown again with errors, 200 otherwise: one rule for every form."""
    return UNPROCESSABLE if form.errors else 200


@dataclass(frozen=True, slots=True)
class ErrorPage:
    """What an error page says, whichever template draws it."""

    status: int
    title: str
    message: str
    back_url: str
    back_label: str


ThemedRenderer = Callable[[ErrorPage], str]


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    for error in DATABASE_UNAVAILABLE:
        app.register_error_handler(error, _database_unavailable)


def error_page(status: int, message: str | None = None) -> ErrorPage:
    """The page for a status on this request's host, with the way back that fits it."""
    title, default = PAGES.get(status, (N_("Something went wrong"), PAGES[500][1]))
    if g.get("tenant") is None:
        back_url, back_label = "/", gettext("Go to the start page")
    elif request.path == "/admin" or request.path.startswith("/admin/"):
        back_url, back_label = "/admin/", gettext("Back to the dashboard")
    else:
        back_url, back_label = "/", gettext("Back to the portal home")
    return ErrorPage(status, gettext(title), message or gettext(default), back_url, back_label)


def error_response(page: ErrorPage, headers: Iterable[tuple[str, str]] = ()) -> Response:
    """JSON for JSON requests, else the themed or plain HTML page; never raises."""
    if _wants_json():
        body = {"status": page.status, "title": page.title, "message": page.message}
        response = jsonify(error=body)
    else:
        response = current_app.response_class(_html(page), mimetype="text/html")
    response.status_code = page.status
    response.headers.extend(headers)
    return response


def _http_error(error: HTTPException) -> HTTPException | Response:
    status = error.code
    if status is None or status < 400:
        return error  # not an error (a routing redirect): Flask answers it as it is
    if status == 500 and getattr(error, "original_exception", None) is None:
        # Flask has already logged an unhandled exception; an explicit 500 is logged here.
        log.error("500 on %s %s: %s", request.method, request.path, error.description)
    page = error_page(status, _message(error))
    if status == 413 and (back := _back_to_form(page)) is not None:
        return back
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return error_response(page, headers)


def _message(error: HTTPException) -> str | None:
    if error.code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        return gettext(PAGES[413][1]).format(mb=f"{limit / 2**20:.1f}".removesuffix(".0"))
    if error.code == 429:
        seconds = getattr(error, "retry_after", None)
        if isinstance(seconds, int):
            minutes = max(1, math.ceil(seconds / 60))
            wait = ngettext("%(num)d minute", "%(num)d minutes", minutes)
        else:
            wait = gettext("a few minutes")
        return gettext(PAGES[429][1]).format(wait=wait)
    return None


def _back_to_form(page: ErrorPage) -> Response | None:
    """A browser's too-large form post goes back to its form (303) with the message flashed;
    the form shows it, and its other values again from what is saved."""
    path = request.full_path.rstrip("?")
    local = path.startswith("/") and not path.startswith(("//", "/\\"))
    if request.method != "POST" or request.url_rule is None or not local or _wants_json():
        return None
    flash(page.message)
    return redirect(path, 303)


def _database_unavailable(error: Exception) -> Response:
    log.error("database unavailable on %s %s", request.method, request.path, exc_info=error)
    return error_response(error_page(503), [("Retry-After", "30")])


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json


def _html(page: ErrorPage) -> str:
    """The themed page on a tenant host; the plain one on the platform host or if that fails.

    Neither runs context processors (Flask-Login's would load the user from the database)."""
    renderer: ThemedRenderer | None = current_app.extensions.get(THEMED_RENDERER)
    if renderer is not None and g.get("tenant") is not None:
        try:
            return renderer(page)
        except Exception:  # an error page must not fail: fall back to the plain one
            log.exception("the themed error page failed; showing the plain one")
    return current_app.jinja_env.get_template("errors/page.html").render(page=page)
