"""Translations (Flask-Babel): the catalogues in portal/translations, and the locale of this
request, which the interface layer decides (person's choice, firm default, Accept-Language)
and leaves in `g.locale`; core only reads it."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g
from flask_babel import Babel

babel = Babel()

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def current_locale() -> str:
    return str(g.get("locale") or "en")


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=current_locale)


def N_(message: str) -> str:
    """Marks a constant for extraction (`scripts/translations`) without translating it here:
    module-level data is built once, so the code that shows it calls `gettext` at that time."""
    return message
