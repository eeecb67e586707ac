"""The languages a client sees the portal and receives emails in.

A firm offers some of `SUPPORTED` (Settings › Languages) and names one as its default; a client
may choose one of the offered ones. The web layer decides each request's locale from these
(portal/web/locale.py) and emails are rendered in the recipient's language
(portal/mail/compose.py). The rules themselves sit in portal.core.i18n so that the mail
composer, below this package, can use them too."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext

from portal.clients.models import Contact
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.i18n import (
    FALLBACK,
    SUPPORTED,
    LanguageSettings,
    default_language,
    is_rtl,
    language_for,
    offered,
)
from tenants.resolution import snapshot_by_id

__all__ = [
    "FALLBACK",
    "SUPPORTED",
    "LanguageSettings",
    "clean_offered",
    "contact_language",
    "default_language",
    "is_rtl",
    "offered",
    "set_language",
]


def contact_language(contact: Contact | None, tenant: LanguageSettings) -> str:
    """The language of a client's emails and pages: their choice if the firm still offers
    it, else the firm's default."""
    return language_for(contact.language if contact is not None else None, tenant)


def set_language(
    contact: Contact, code: str | None, tenant: LanguageSettings | None = None
) -> None:
    """Store a client's choice and commit; None or "" goes back to "as my browser says"
    (pages) and the firm's default (emails)."""
    settings = tenant or snapshot_by_id(contact.tenant_id)
    if code and (settings is None or code not in offered(settings)):
        raise UserError(gettext("Choose one of the languages offered."), field="language")
    contact.language = code or None
    db.session.commit()


def clean_offered(codes: Iterable[str], default: str) -> str:
    """A firm's choice, validated for storage: known codes, the default among them."""
    chosen = set(codes)
    kept = [code for code in SUPPORTED if code in chosen]
    if default not in SUPPORTED:
        raise UserError("Choose a default language.", field="default_language")
    if default not in kept:
        raise UserError(
            "The default language must be one of the languages offered.", field="offered"
        )
    return ",".join(kept)
