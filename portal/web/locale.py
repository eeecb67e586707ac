"""The language of each client-facing request, decided once before the view runs.

The signed-in client's stored choice if the firm still offers it, else the best match of the
browser's Accept-Language among the firm's offered languages, else the firm's default. Staff
pages (admin) stay English. Core's Flask-Babel selector reads the result from `g.locale`."""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user

from portal.clients.languages import (
    FALLBACK,
    default_language,
    is_rtl,
    offered,
)


def init_app(app: Flask) -> None:
    app.before_request(choose_locale)
    app.jinja_env.globals["text_direction"] = text_direction
    app.jinja_env.globals["current_locale"] = current_locale


def choose_locale() -> None:
    tenant = g.get("tenant")
    if tenant is None or _is_staff_page() or request.endpoint in (None, "static"):
        g.locale = FALLBACK
        return
    languages = offered(tenant)
    stored = _stored_choice()
    if stored in languages:
        g.locale = stored
        return
    best = request.accept_languages.best_match(languages)
    g.locale = best or default_language(tenant)


def current_locale() -> str:
    """The language of this page, for `<html lang>`."""
    return str(g.get("locale") or FALLBACK)


def text_direction() -> str:
    """ "rtl" or "ltr", for `<html dir>`."""
    return "rtl" if is_rtl(current_locale()) else "ltr"


def _is_staff_page() -> bool:
    return (request.blueprint or "").startswith(("admin", "api"))


def _stored_choice() -> str | None:
    user = current_user
    if not user or not user.is_authenticated or getattr(user, "kind", None) != "client":
        return None
    return getattr(user, "language", None)
