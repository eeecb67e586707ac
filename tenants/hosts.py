"""Host-header parsing: one strict normalisation shared by routing, domain claims and links."""

from __future__ import annotations

import functools
import re

import idna

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_PORT = re.compile(r"^[0-9]{1,5}$")
_RAW_ALLOWED = re.compile(r"^[^\s@/\\?#%]+$")


def normalize_host(raw: str | None) -> str | None:
    """Return the lower-case A-label host name without port or trailing dot, or None if malformed.

    IP literals and anything with userinfo, paths or odd ports are refused: no tenant lives there.
    """
    if not raw or len(raw) > 300:
        return None
    return _normalize(raw)


@functools.lru_cache(maxsize=8192)
def _normalize(raw: str) -> str | None:
    """Cached: every request pays for this, and IDNA processing is comparatively slow."""
    if not _RAW_ALLOWED.match(raw):
        return None
    if raw.startswith("["):
        return None
    host, sep, port = raw.rpartition(":") if ":" in raw else (raw, "", "")
    if sep and (not _PORT.match(port) or not 0 < int(port) <= 65535 or ":" in host):
        return None
    host = host.rstrip(".")
    try:
        host = idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return None
    return host if is_valid_hostname(host) else None


def is_valid_hostname(host: str) -> bool:
    if not host or len(host) > 253:
        return False
    labels = host.split(".")
    if all(label.isdigit() for label in labels):
        return False
    return all(_LABEL.match(label) for label in labels)
