"""Provider secrets (Stripe secret key, webhook secret) encrypted at rest.

The key is derived (HKDF-SHA256) from SECRET_KEY with this module's own label, so a database
dump alone cannot move a firm's money, and staff pages only ever show the last four characters.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

_INFO = b"foyer payment provider secrets v1"


def _fernet() -> Fernet:
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret)
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(value: str) -> str:
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii") if value else ""


def unseal(token: str) -> str:
    """The secret, or "" when it was never set or SECRET_KEY changed since (set it again)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        return ""


def masked(token: str) -> str:
    """What a staff page shows of a stored secret: its last four characters."""
    value = unseal(token)
    return f"…{value[-4:]}" if value else ""
