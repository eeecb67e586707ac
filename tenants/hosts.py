"""Host names: one strict normalisation shared by routing and links, and the one parser for
the domain names firms type in (custom web domains and sending domains)."""

from __future__ import annotations

import enum
import functools
import ipaddress
import re
from collections.abc import Iterable

import idna

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_PORT = re.compile(r"^[0-9]{1,5}$")
_RAW_ALLOWED = re.compile(r"^[^\s@/\\?#%]+$")
# Public suffixes made of two labels that are common enough to get wrong; the public suffix
# list is the real answer, this keeps `portal.smith.co.uk` a subdomain and `smith.co.uk` an apex.
TWO_PART_SUFFIXES = frozenset(
    {
        "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "ac.uk", "gov.uk", "net.uk",
        "com.au", "net.au", "org.au", "id.au", "co.nz", "org.nz", "net.nz",
        "co.jp", "ne.jp", "or.jp", "co.za", "org.za", "com.br", "com.mx", "com.ar",
        "co.in", "net.in", "org.in", "com.sg", "com.hk", "com.cn", "com.tr", "co.il",
        "co.kr", "com.tw", "com.my", "com.ph", "co.id",
    }
)  # fmt: skip


class NameProblem(enum.StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    WILDCARD = "wildcard"
    IP_ADDRESS = "ip_address"
    PORT = "port"
    INVALID = "invalid"
    PUBLIC_SUFFIX = "public_suffix"  # also a single label: nobody owns `com`
    RESERVED = "reserved"  # the platform's own names


class BadDomainName(ValueError):
    """Why a typed domain name cannot be used; each service words it for its own page."""

    def __init__(self, problem: NameProblem, name: str) -> None:
        super().__init__(f"{name!r}: {problem}")
        self.problem = problem
        self.name = name


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


def parse_domain_name(raw: str | None, reserved: Iterable[str] = ()) -> str:
    """The normalised name of a domain a firm typed, or BadDomainName saying why not.

    Forgiving about what people paste (a URL scheme, a trailing slash or dot, upper case,
    Unicode), strict about what it returns: the A-label name `normalize_host` gives, never an
    IP, a wildcard, a port, a public suffix or one of the `reserved` names or their subdomains.
    """
    text = (raw or "").strip()
    for prefix in ("https://", "http://"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    text = text.rstrip("/")
    if not text:
        raise BadDomainName(NameProblem.EMPTY, text)
    if len(text.rstrip(".")) > 253:
        raise BadDomainName(NameProblem.TOO_LONG, text)
    if "*" in text:
        raise BadDomainName(NameProblem.WILDCARD, text)
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        pass
    else:
        raise BadDomainName(NameProblem.IP_ADDRESS, text)
    if ":" in text:
        raise BadDomainName(NameProblem.PORT, text)
    host = normalize_host(text)
    if host is None or host.rpartition(".")[2].isdigit():
        raise BadDomainName(NameProblem.INVALID, text)
    if "." not in host or host in TWO_PART_SUFFIXES:
        raise BadDomainName(NameProblem.PUBLIC_SUFFIX, host)
    if any(host == name or host.endswith(f".{name}") for name in reserved if name):
        raise BadDomainName(NameProblem.RESERVED, host)
    return host
