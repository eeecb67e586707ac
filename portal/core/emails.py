"""Email address normalisation: one canonical form for identities, links and lookups."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_app_context

from portal.core.errors import UserError


def normalize_email(raw: str) -> str:
    """Trim, validate syntax, convert the domain to IDNA and lower-case the whole address."""
    candidate = (raw or "").strip()
    if not candidate:
        raise UserError("Enter an email address.")
    if len(candidate) > 320:
        raise UserError("That email address is too long.")
    local, _, domain = candidate.rpartition("@")
    if has_app_context() and domain.lower() == current_app.config["PLATFORM_DOMAIN"]:
        # The platform's own domain may be `localhost` (the demo operator is admin@localhost).
        candidate = f"{local}@platform.example"
    try:
        result = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as exc:
        raise UserError(f"That email address is not valid: {exc}") from None
    if candidate.endswith("@platform.example"):
        return f"{result.local_part}@{domain}".lower()
    return f"{result.local_part}@{result.ascii_domain}".lower()


def lookup_email(raw: str | None) -> str:
    """The normalised form for looking an address up; never fails, so sign-in forms can't leak."""
    try:
        return normalize_email(raw or "")
    except UserError:
        return (raw or "").strip().lower()
