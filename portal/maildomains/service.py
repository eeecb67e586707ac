"""Adding, validating, checking and removing a tenant's sending domain."""

from __future__ import annotations

import ipaddress
import re
import secrets
from datetime import timedelta

import idna
from flask import current_app
from sqlalchemy import delete, select

from portal.core.database import utcnow
from portal.core.emails import InvalidEmail, normalize_email
from portal.core.extensions import db
from portal.maildomains.checks import RECORD_KEYS, CheckResult, DomainFacts
from portal.maildomains.keys import encrypt_private_key, generate_key_pair
from portal.maildomains.models import MailDomain, MailDomainCheck, MailDomainStatus, RecordStatus
from tenants.hosts import is_valid_hostname

_LOCAL_PART = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MANUAL_COOLDOWN = timedelta(seconds=60)


class MailDomainError(ValueError):
    """Refused input, with a message to show next to the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def validate_domain(raw: str, tenant_id: int) -> str:
    value = (raw or "").strip().rstrip(".").lower()
    if not value:
        raise MailDomainError("domain", "Enter the domain to send from, such as smithcpa.com.")
    if len(value) > 253:
        raise MailDomainError("domain", "That domain is too long (253 characters at most).")
    try:
        ipaddress.ip_address(value.strip("[]"))
    except ValueError:
        pass
    else:
        raise MailDomainError(
            "domain", "An IP address cannot be a sending domain; enter a name like smithcpa.com."
        )
    try:
        ascii_value = idna.encode(value, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        raise MailDomainError("domain", f"{value} is not a valid domain name.") from None
    labels = ascii_value.split(".")
    if not is_valid_hostname(ascii_value) or len(labels) < 2 or labels[-1].isdigit():
        raise MailDomainError(
            "domain",
            f"{value} is not a valid domain name: use letters, digits and hyphens between dots.",
        )
    platform = current_app.config["PLATFORM_DOMAIN"]
    if ascii_value == platform or ascii_value.endswith(f".{platform}"):
        raise MailDomainError(
            "domain", "That is the platform's own domain; enter your firm's domain."
        )
    taken = db.session.scalar(
        select(MailDomain.id).where(
            MailDomain.domain == ascii_value,
            MailDomain.tenant_id != tenant_id,
            MailDomain.status.in_([MailDomainStatus.VERIFIED, MailDomainStatus.FAILING]),
        )
    )
    if taken is not None:
        raise MailDomainError("domain", "That domain is already verified by another firm.")
    return ascii_value


def validate_sender(local_part: str, display_name: str, reply_to: str) -> tuple[str, str, str]:
    local = (local_part or "").strip().lower()
    if not local or len(local) > 64 or not _LOCAL_PART.match(local):
        raise MailDomainError(
            "local_part", "Use letters, digits, dots or hyphens, such as notifications."
        )
    name = (display_name or "").strip()
    if _CONTROL.search(name):
        raise MailDomainError("display_name", "The display name cannot contain line breaks.")
    if not name or len(name) > 120:
        raise MailDomainError("display_name", "Enter a display name of up to 120 characters.")
    reply = ""
    if (reply_to or "").strip():
        try:
            reply = normalize_email(reply_to)
        except InvalidEmail as exc:
            raise MailDomainError("reply_to", str(exc)) from None
    return local, name, reply


def tenant_domain(tenant_id: int) -> MailDomain | None:
    return db.session.scalar(select(MailDomain).where(MailDomain.tenant_id == tenant_id))


def add_domain(
    tenant_id: int, domain: str, local_part: str, display_name: str, reply_to: str
) -> MailDomain:
    """Validate, generate the DKIM key pair and the ownership token; the caller commits."""
    if tenant_domain(tenant_id) is not None:
        raise MailDomainError("domain", "Remove the current sending domain first.")
    name = validate_domain(domain, tenant_id)
    local, display, reply = validate_sender(local_part, display_name, reply_to)
    private_pem, public_key = generate_key_pair()
    row = MailDomain(
        tenant_id=tenant_id,
        domain=name,
        local_part=local,
        display_name=display,
        reply_to=reply or None,
        selector=f"foyer{utcnow():%Y%m}-{secrets.token_hex(4)}",
        private_key_encrypted=encrypt_private_key(current_app.config, private_pem),
        public_key=public_key,
        ownership_token=secrets.token_hex(20),  # 160 bits
        status=MailDomainStatus.PENDING,
    )
    db.session.add(row)
    return row


def remove_domain(tenant_id: int) -> bool:
    row = tenant_domain(tenant_id)
    if row is None:
        return False
    db.session.execute(
        delete(MailDomainCheck).where(
            MailDomainCheck.tenant_id == tenant_id, MailDomainCheck.mail_domain_id == row.id
        )
    )
    db.session.delete(row)
    return True


def facts_of(row: MailDomain) -> DomainFacts:
    return DomainFacts(row.domain, row.selector, row.public_key, row.ownership_token)


def manual_check_wait(row: MailDomain) -> int:
    """Seconds before "Verify now" may run again (0: now)."""
    if row.last_checked_at is None:
        return 0
    left = row.last_checked_at + MANUAL_COOLDOWN - utcnow()
    return max(0, int(left.total_seconds()) + 1) if left.total_seconds() > 0 else 0


def apply_check(row: MailDomain, result: CheckResult, trigger: str) -> tuple[str, str]:
    """Store each record's status and the history row; returns (previous, new) status."""
    previous = row.status
    now = utcnow()
    for key in RECORD_KEYS:
        check = result.records.get(key)
        if check is None:
            setattr(row, f"{key}_status", RecordStatus.UNCHECKED)
            setattr(row, f"{key}_reason", "")
            continue
        setattr(row, f"{key}_status", check.status)
        setattr(row, f"{key}_reason", check.reason[:500])
    if result.existing_spf is not None:
        row.existing_spf = result.existing_spf[:2000]
    if result.existing_dmarc is not None:
        row.existing_dmarc = result.existing_dmarc[:2000]
    row.status = result.outcome(previous)
    if row.status == MailDomainStatus.VERIFIED:
        if previous != MailDomainStatus.VERIFIED:
            row.verified_at = now
        row.pending_checks = 0
    else:
        row.pending_checks += 1
    row.last_checked_at = now
    summary = "; ".join(
        f"{key}: {check.status}" + (f" ({check.reason})" if check.reason else "")
        for key, check in result.records.items()
    )
    db.session.add(
        MailDomainCheck(
            tenant_id=row.tenant_id,
            mail_domain_id=row.id,
            checked_at=now,
            trigger=trigger,
            outcome=row.status,
            summary=summary[:2000],
        )
    )
    return previous, row.status


def next_check_delay(row: MailDomain) -> int:
    """Seconds until the next scheduled check: daily once verified, backing off while pending."""
    if row.status == MailDomainStatus.VERIFIED:
        return int(current_app.config["MAIL_DOMAIN_VERIFIED_CHECK_INTERVAL"])
    delays = [
        int(part)
        for part in str(current_app.config["MAIL_DOMAIN_PENDING_CHECK_DELAYS"]).split(",")
        if part.strip()
    ]
    return delays[min(max(row.pending_checks - 1, 0), len(delays) - 1)]
