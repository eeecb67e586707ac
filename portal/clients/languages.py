"""The languages a client sees the portal and receives emails in.

A firm offers some of `SUPPORTED` (Settings › Languages) and names one as its default; a client
may choose one of the offered ones. The web layer decides each request's locale from these
(portal/web/locale.py) and emails are rendered in `language_for(contact, tenant)`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from portal.clients.models import Contact
from portal.core.errors import UserError
from portal.core.extensions import db
from tenants.resolution import snapshot_by_id

# code → the language's own name, as a picker shows it to someone who reads only that language
SUPPORTED: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "de": "Deutsch",
}
FALLBACK = "en"
# Right-to-left scripts; `x-rtl` is the pseudo-locale the tests use to check the layout.
RTL = frozenset({"ar", "fa", "he", "ur", "x-rtl"})


class LanguageSettings(Protocol):
    """A tenant row or snapshot: both carry the firm's language settings."""

    @property
    def default_language(self) -> str: ...

    @property
    def offered_languages(self) -> tuple[str, ...]: ...


def offered(tenant: LanguageSettings) -> list[str]:
    """The firm's offered languages in `SUPPORTED` order, always including its default."""
    chosen = set(tenant.offered_languages) | {default_language(tenant)}
    return [code for code in SUPPORTED if code in chosen]


def default_language(tenant: LanguageSettings) -> str:
    code = tenant.default_language
    return code if code in SUPPORTED else FALLBACK


def language_for(contact: Contact | None, tenant: LanguageSettings) -> str:
    """The language of a client's emails and pages: their choice if the firm still offers it,
    else the firm's default."""
    if contact is not None and contact.language in offered(tenant):
        return str(contact.language)
    return default_language(tenant)


def set_language(
    contact: Contact, code: str | None, tenant: LanguageSettings | None = None
) -> None:
    """Store a client's choice; None or "" goes back to the browser's language / firm default."""
    settings = tenant or snapshot_by_id(contact.tenant_id)
    if code and (settings is None or code not in offered(settings)):
        raise UserError("Choose one of the languages offered.", field="language")
    contact.language = code or None
    db.session.commit()


def parse_offered(raw: str) -> tuple[str, ...]:
    """The stored comma-separated list, unknown codes dropped."""
    return tuple(code for code in raw.split(",") if code in SUPPORTED)


def clean_offered(codes: Iterable[str], default: str) -> str:
    """Validate a firm's choice for storage: known codes, at least one, the default among them."""
    codes = [code for code in SUPPORTED if code in set(codes)]
    if default not in SUPPORTED:
        raise UserError("Choose a default language.", field="default_language")
    if default not in codes:
        raise UserError(
            "The default language must be one of the languages offered.", field="offered"
        )
    return ",".join(codes)


def is_rtl(code: str) -> bool:
    return code in RTL or code.replace("_", "-").split("-")[0] in RTL
