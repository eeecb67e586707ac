"""A software authenticator for tests: real ES256 keys, 'none' attestation, real signatures.

It answers the options the server sends (as JSON) the way a browser plus a platform
authenticator would, so the server's checks run on genuine WebAuthn data: the client data
(type, challenge, origin), the authenticator data (RP id hash, flags, counter) and an ECDSA
signature over them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, AT = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    """One passkey held by the authenticator (a discoverable credential)."""

    rp_id: str
    user_handle: bytes
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    credential_id: bytes = field(default_factory=lambda: os.urandom(16))
    sign_count: int = 0

    def cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )


@dataclass
class SoftAuthenticator:
    """Holds credentials; `origin` is what the 'browser' reports (tests change it to lie)."""

    origin: str
    credentials: list[Credential] = field(default_factory=list)
    user_verified: bool = True

    def _flags(self) -> int:
        return UP | (UV if self.user_verified else 0)

    def create(self, options: dict[str, Any], rp_id: str | None = None) -> str:
        """navigator.credentials.create(): a new credential for options['rp']['id']."""
        rp = rp_id or options["rp"]["id"]
        credential = Credential(rp_id=rp, user_handle=unb64url(options["user"]["id"]))
        client_data = self._client_data("webauthn.create", options["challenge"])
        auth_data = (
            hashlib.sha256(rp.encode()).digest()
            + bytes([self._flags() | AT])
            + struct.pack(">I", credential.sign_count)
            + bytes(16)  # AAGUID
            + struct.pack(">H", len(credential.credential_id))
            + credential.credential_id
            + credential.cose_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        self.credentials.append(credential)
        return json.dumps(
            {
                "id": b64url(credential.credential_id),
                "rawId": b64url(credential.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64url(client_data),
                    "attestationObject": b64url(attestation),
                    "transports": ["internal"],
                },
                "clientExtensionResults": {},
                "authenticatorAttachment": "platform",
            }
        )

    def get(
        self,
        options: dict[str, Any],
        credential: Credential | None = None,
        rp_id: str | None = None,
        advance: int = 1,
    ) -> str:
        """navigator.credentials.get(): sign the challenge with a credential for the RP."""
        rp = options.get("rpId") or rp_id
        if credential is None:
            allowed = {unb64url(c["id"]) for c in options.get("allowCredentials") or []}
            credential = next(
                c
                for c in self.credentials
                if c.rp_id == rp and (not allowed or c.credential_id in allowed)
            )
        credential.sign_count += advance
        client_data = self._client_data("webauthn.get", options["challenge"])
        auth_data = (
            hashlib.sha256((rp_id or rp).encode()).digest()
            + bytes([self._flags()])
            + struct.pack(">I", credential.sign_count)
        )
        signature = credential.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return json.dumps(
            {
                "id": b64url(credential.credential_id),
                "rawId": b64url(credential.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64url(client_data),
                    "authenticatorData": b64url(auth_data),
                    "signature": b64url(signature),
                    "userHandle": b64url(credential.user_handle),
                },
                "clientExtensionResults": {},
                "authenticatorAttachment": "platform",
            }
        )

    def _client_data(self, kind: str, challenge: str) -> bytes:
        data = {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        return json.dumps(data).encode()
