"""Address lists typed into one field: `a@x.example; b@y.example`."""

from __future__ import annotations

from portal.core.emails import normalize_email
from portal.core.errors import UserError


def parse_addresses(raw: str, field: str = "email") -> list[str]:
    """Each entry validated and normalized, duplicates dropped; the first bad entry is named."""
    found: list[str] = []
    for part in (raw or "").replace(",", ";").split(";"):
        entry = part.strip()
        if not entry:
            continue
        try:
            address = normalize_email(entry)
        except UserError:
            raise UserError(f"{entry!r} is not a valid email address.", field) from None
        if address not in found:
            found.append(address)
    return found


def join_addresses(raw: str, field: str = "email") -> str:
    """The stored form of a field: validated addresses joined with '; '."""
    return "; ".join(parse_addresses(raw, field))
