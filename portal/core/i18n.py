"""Translations (Flask-Babel): the catalogues in portal/translations, and the locale of this
request, which the interface layer decides (person's choice, firm default, Accept-Language)
and leaves in `g.locale`; core only reads it. Emails choose theirs with `force_locale`.

The language rules live here, below every package that needs them (the web layer, the mail
composer, the clients package); `portal.clients.languages` is their public face."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from babel import Locale, UnknownLocaleError
from babel.support import NullTranslations
from flask import Flask, g
from flask.globals import _cv_app
from flask_babel import Babel, get_translations

babel = Babel()

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

# code → the language's own name, as a picker shows it to someone who reads only that language
SUPPORTED: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "de": "Deutsch",
}
FALLBACK = "en"  # the language the strings are written in; staff pages and emails use it


class LanguageSettings(Protocol):
    """A tenant row or snapshot: both carry the firm's language settings."""

    @property
    def default_language(self) -> str: ...

    @property
    def offered_languages(self) -> tuple[str, ...]: ...


def current_locale() -> str:
    return str(g.get("locale") or FALLBACK)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=current_locale)
    # Templates' _() with the same catalogues, found without Flask-Babel's four proxy lookups
    # per string (~40 strings a page: `python -m bench.request_profile --page home`).
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # jinja2.ext.i18n
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )


_catalogues: dict[Locale, Any] = {}


def _translations() -> NullTranslations:
    """This request's catalogue (or the one `force_locale` chose), per process and locale,
    read from where Flask-Babel keeps the locale; Flask-Babel answers until it has one."""
    ctx = _cv_app.get(None)
    state = getattr(ctx.g, "_flask_babel", None) if ctx is not None else None
    locale = getattr(state, "babel_locale", None)
    if locale is None:
        return get_translations()
    catalogue = _catalogues.get(locale)
    if catalogue is None:
        catalogue = _catalogues[locale] = get_translations()
    return catalogue


def N_(message: str) -> str:
    """Marks a constant for extraction (`scripts/translations`) without translating it here:
    module-level data is built once, so the code that shows it calls `gettext` at that time."""
    return message


def offered(tenant: LanguageSettings) -> list[str]:
    """The firm's offered languages in `SUPPORTED` order, always including its default."""
    chosen = set(tenant.offered_languages) | {default_language(tenant)}
    return [code for code in SUPPORTED if code in chosen]


def default_language(tenant: LanguageSettings) -> str:
    code = tenant.default_language
    return code if code in SUPPORTED else FALLBACK


def language_for(choice: str | None, tenant: LanguageSettings) -> str:
    """A client's language: their choice while the firm offers it, else the firm's default."""
    return choice if choice is not None and choice in offered(tenant) else default_language(tenant)


def is_rtl(code: str) -> bool:
    """Whether the language is written right to left (Arabic, Hebrew, Persian, Urdu…)."""
    try:
        return Locale.parse(code.replace("-", "_")).character_order == "right-to-left"
    except (ValueError, UnknownLocaleError):
        return False
