"""Where to go after sign-in: `next=` is followed only to a path on the same host.

Browsers are lenient with URLs: they drop tabs and newlines anywhere, strip leading control
characters and spaces, and read a backslash as a slash, so `/\t/evil.com` or `/\\evil.com`
lead off the site although they start with one slash. Werkzeug's `iri_to_uri`, applied to the
Location header, drops tabs too. So a target is refused when it holds any control, format or
whitespace character or a backslash, and also when one of its percent-decodings, cleaned the
way a browser would clean it, is not a plain path (no empty or dot segments either).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import request

MAX_LENGTH = 2000
_DECODINGS = 3  # how many rounds of percent-decoding are checked as well


def safe_next(default: str) -> str:
    """The request's `next` when it is a same-host path, else `default`."""
    target = request.args.get("next", "")
    return target if is_safe_path(target) else default


def is_safe_path(target: str) -> bool:
    """True for a path on this host (`/clients/5?tab=files`): no scheme, host or tricks."""
    if not target or len(target) > MAX_LENGTH or not _plain(target):
        return False
    candidate = target
    for _ in range(_DECODINGS + 1):
        if not (_is_local_path(candidate) and _is_local_path(_cleaned(candidate))):
            return False
        decoded = unquote(candidate)
        if decoded == candidate:
            break
        candidate = decoded
    return True


def _plain(text: str) -> bool:
    """No backslash, whitespace, control, format, private-use or unassigned character."""
    return not any(
        char == "\\" or char.isspace() or unicodedata.category(char)[0] in "CZ" for char in text
    )


def _cleaned(text: str) -> str:
    """What a lenient URL parser would see: compatibility forms folded (fullwidth `／` is `/`),
    control and space characters dropped, backslashes read as slashes."""
    folded = unicodedata.normalize("NFKC", text)
    kept = "".join(
        char for char in folded if not (char.isspace() or unicodedata.category(char)[0] in "CZ")
    )
    return kept.replace("\\", "/")


def _is_local_path(text: str) -> bool:
    """A path from the root without empty or dot segments: `/.//evil.com` becomes `//evil.com`
    when a browser or a trailing-slash redirect normalises it."""
    if not text.startswith("/") or text.startswith("//"):
        return False
    parts = urlsplit(text)
    if parts.scheme or parts.netloc:
        return False
    *inner, last = text.partition("?")[0].partition("#")[0].split("/")[1:]
    return "" not in inner and not {".", ".."} & {*inner, last}
