"""Who an email is from, and its DKIM signature.

While a tenant's domain is not verified, mail goes out from the platform sender with the firm's
name and the firm's reply-to; once verified, from the firm's own address, DKIM-signed at
delivery time with the tenant's key (decrypted only in the delivering process).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formataddr, parseaddr

import dkim
from flask import current_app
from sqlalchemy import select

from portal.core.extensions import db
from portal.maildomains.keys import decrypt_private_key
from portal.maildomains.models import MailDomain, MailDomainStatus
from portal.maildomains.records import RETURN_PATH_LABEL

SIGNED_HEADERS = (
    b"From",
    b"To",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"Reply-To",
    b"MIME-Version",
    b"Content-Type",
)


@dataclass(frozen=True, slots=True)
class Sender:
    from_address: str  # a formatted header value
    reply_to: str | None
    message_id_domain: str


@dataclass(frozen=True, slots=True)
class SigningKey:
    domain: str
    selector: str
    private_pem: bytes
    envelope_from: str


def sender_for(tenant_id: int, tenant_name: str, clean: Callable[[str], str]) -> Sender:
    """`clean` makes tenant-supplied text header-safe (compose.header_safe)."""
    row = db.session.scalar(select(MailDomain).where(MailDomain.tenant_id == tenant_id))
    platform = current_app.config["MAIL_DEFAULT_SENDER_ADDRESS"]  # parsed once by config
    if row is not None and row.status == MailDomainStatus.VERIFIED:
        return Sender(
            formataddr((clean(row.display_name), row.from_address)),
            row.reply_to,
            row.domain,
        )
    return Sender(
        formataddr((clean(tenant_name), platform)),
        row.reply_to if row is not None else None,
        platform.rpartition("@")[2],
    )


def signing_key_for(tenant_id: int, from_header: str) -> SigningKey | None:
    """The key to sign with when the message is From the tenant's own domain, else None."""
    address = parseaddr(from_header)[1].lower()
    domain = address.rpartition("@")[2]
    if not domain:
        return None
    row = db.session.scalar(
        select(MailDomain).where(MailDomain.tenant_id == tenant_id, MailDomain.domain == domain)
    )
    if row is None:
        return None
    config = current_app.config
    envelope = (
        f"bounces@{RETURN_PATH_LABEL}.{row.domain}" if config.get("RETURN_PATH_HOST") else address
    )
    return SigningKey(
        row.domain,
        row.selector,
        decrypt_private_key(config, row.private_key_encrypted),
        envelope,
    )


def sign(message: bytes, key: SigningKey) -> bytes:
    """rsa-sha256, relaxed/relaxed; returns the message with its DKIM-Signature header."""
    signature = dkim.sign(
        message,
        key.selector.encode("ascii"),
        key.domain.encode("ascii"),
        key.private_pem,
        canonicalize=(b"relaxed", b"relaxed"),
        signature_algorithm=b"rsa-sha256",
        include_headers=list(SIGNED_HEADERS),
    )
    return signature + message
