"""What the translation tests read: the strings the client side asks to be translated
(extracted with Babel exactly as `scripts/translations` does, from babel.cfg) and the committed
catalogues of every language."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "portal" / "translations"
LANGUAGES = ("es", "fr", "de")
# The same keywords as scripts/translations: gettext family, lazy forms and N_ markers.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "_l": None,
    "_n": (1, 2),
    "N_": None,
}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")

MsgId = str | tuple[str, ...]


@functools.cache
def extracted() -> dict[str, MsgId]:
    """Every msgid of the client side, keyed by its singular form."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, MsgId] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        key = message if isinstance(message, str) else message[0]
        if key:
            found[key] = message
    return found


def catalogue(language: str) -> Catalog:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def compiled(language: str) -> Catalog:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        return read_mo(mo)


def translated(message: Message) -> bool:
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(forms) and all(forms) and not message.fuzzy


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def flat(value: str | list[str] | tuple[str, ...]) -> MsgId:
    """A .mo gives plural ids and forms as lists, a .po as tuples."""
    return value if isinstance(value, str) else tuple(value)
