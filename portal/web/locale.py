"""The language of each client-facing request, decided once before the view runs, and the
Jinja helpers that write dates and numbers in it.

The signed-in client's stored choice if the firm still offers it, else the best match of the
browser's Accept-Language among the firm's offered languages, else the firm's default. Staff
pages (admin) and the API stay English. Core's Flask-Babel selector reads `g.locale`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, g, request
from flask_babel import format_date, format_decimal, format_time, get_locale
from flask_login import current_user

from portal.billing.money import format_local
from portal.clients.languages import FALLBACK, default_language, is_rtl, offered


def init_app(app: Flask) -> None:
    app.before_request(choose_locale)
    app.jinja_env.globals["text_direction"] = text_direction
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_number"] = local_number
    app.jinja_env.filters["local_money"] = local_money


def choose_locale() -> None:
    tenant = g.get("tenant")
    if tenant is None or _is_staff_side() or _is_static():
        g.locale = FALLBACK
        return
    languages = offered(tenant)
    stored = _stored_choice()
    if stored in languages:
        g.locale = stored
        return
    g.locale = request.accept_languages.best_match(languages) or default_language(tenant)


def current_locale() -> str:
    """The language being written (this page's, or the email's under `force_locale`), for
    `<html lang>`."""
    locale = get_locale()
    return str(locale) if locale is not None else FALLBACK


def text_direction() -> str:
    """ "rtl" or "ltr", for `<html dir>`."""
    return "rtl" if is_rtl(current_locale()) else "ltr"


def local_date(value: date, english: str = "%-d %b %Y") -> str:
    """A date as the current language writes it; English keeps the portal's house format."""
    if _english():
        return value.strftime(english)
    return str(format_date(value, "medium"))


def local_datetime(value: datetime, english: str = "%-d %b %Y %H:%M") -> str:
    """A UTC date and time as the current language writes it (the portal shows UTC)."""
    if _english():
        return value.strftime(english)
    return f"{format_date(value, 'medium')} {format_time(value, 'short')}"


def local_number(value: float | Decimal) -> str:
    """1.5 → "1,5" in German and French; English as Python writes it."""
    if _english():
        return str(value)
    return str(format_decimal(value))


def local_money(amount_minor: int, currency: str) -> str:
    """123456 EUR → "1.234,56 €" in German, "1 234,56 €" in French; English keeps the
    portal's "EUR 1,234.56"."""
    return format_local(amount_minor, currency)


def _english() -> bool:
    locale = get_locale()
    return locale is None or locale.language == FALLBACK


def _is_staff_side() -> bool:
    """Staff pages and the API stay English, even their error pages (no blueprint there)."""
    if (request.blueprint or "").startswith(("admin", "api")):
        return True
    return request.path.startswith(("/admin/", "/api/")) or request.path in ("/admin", "/api")


def _is_static() -> bool:
    """A stylesheet or image needs no language (and no signed-in user loaded for it)."""
    return (request.endpoint or "").rsplit(".", 1)[-1] == "static"


def _stored_choice() -> str | None:
    user = current_user
    if not user or not user.is_authenticated or getattr(user, "kind", None) != "client":
        return None
    return getattr(user, "language", None)
