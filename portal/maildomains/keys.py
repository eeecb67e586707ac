"""DKIM key pairs: RSA 2048 generated here, private keys encrypted at rest.

The encryption key is derived (HKDF-SHA256) from MAIL_DOMAIN_KEY_SECRET, or SECRET_KEY when
that is unset, so a database dump alone cannot sign mail as a firm.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from dkim.crypto import UnparsableKeyError, parse_public_key

KEY_BITS = 2048
MIN_KEY_BITS = 1024  # RFC 8301 3.2: verifiers must not accept smaller RSA keys
_INFO = b"foyer mail-domain dkim keys v1"


class KeyDecryptionError(Exception):
    """The stored key cannot be read with the current secret (it was rotated?)."""


def generate_key_pair() -> tuple[bytes, str]:
    """(PEM PKCS#8 private key, base64 DER SubjectPublicKeyInfo for the DKIM `p=` tag)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, base64.b64encode(public_der).decode("ascii")


def _fernet(config: Mapping[str, Any]) -> Fernet:
    secret = config.get("MAIL_DOMAIN_KEY_SECRET") or config["SECRET_KEY"]
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        str(secret).encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt_private_key(config: Mapping[str, Any], private_pem: bytes) -> str:
    return _fernet(config).encrypt(private_pem).decode("ascii")


def decrypt_private_key(config: Mapping[str, Any], token: str) -> bytes:
    try:
        return _fernet(config).decrypt(token.encode("ascii"))
    except InvalidToken as exc:
        raise KeyDecryptionError("the DKIM key cannot be decrypted with this secret") from exc


def public_key_bits(published_b64: str) -> int | None:
    """The RSA modulus size of a published `p=` value (SPKI or PKCS#1), None if unreadable."""
    try:
        key = parse_public_key(base64.b64decode(published_b64, validate=True))
    except (ValueError, TypeError, UnparsableKeyError):
        return None
    return int(key["modulus"]).bit_length()


def same_public_key(published_b64: str, ours_b64: str) -> bool:
    """Compare keys, not text: the same RSA key may be published as SPKI or as PKCS#1."""
    try:
        published = parse_public_key(base64.b64decode(published_b64, validate=True))
        ours = parse_public_key(base64.b64decode(ours_b64))
    except (ValueError, TypeError, UnparsableKeyError):
        return False
    return published == ours
