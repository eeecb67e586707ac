"""One password check for every sign-in form: limits per account and per IP, equal timing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import request

from portal.auth.passwords import verify_password
from portal.ratelimit import enforce

log = logging.getLogger("foyer.auth")
T = TypeVar("T")

PER_ACCOUNT = "20/15 minutes"
PER_IP = "100/hour"


def check_password(
    scope: str,
    email: str,
    find: Callable[[str], T | None],
    password: str,
) -> T | None:
    """Return the principal when the password matches; count every attempt against limits."""
    enforce(PER_IP, "signin-ip", scope, request.remote_addr or "-")
    enforce(PER_ACCOUNT, "signin-account", scope, email)
    principal = find(email)
    password_hash = getattr(principal, "password_hash", None)
    if verify_password(password_hash, password) and getattr(principal, "can_sign_in", True):
        log.info("sign-in succeeded scope=%s principal=%s", scope, getattr(principal, "id", "?"))
        return principal
    log.info("sign-in failed scope=%s", scope)
    return None
