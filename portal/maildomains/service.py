"""Adding, validating and removing a tenant's sending domain, and what a DNS check's result does
to it (each record's status, the history, the back-off, the next check). Callers commit."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from portal.core.database import utcnow
from portal.core.dns import backoff_delay
from portal.core.emails import normalize_email
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.maildomains.checks import RECORD_KEYS, CheckResult, DomainFacts
from portal.maildomains.keys import encrypt_private_key, generate_key_pair
from portal.maildomains.models import MailDomain, MailDomainCheck, MailDomainStatus, RecordStatus
from tenants.check_plans import claim_check
from tenants.check_plans import due_checks as planned_due_checks
from tenants.hosts import BadDomainName, NameProblem, parse_domain_name
from tenants.scoping import owned, tenant_id_of
from tenants.snapshot import TenantSnapshot

_LOCAL_PART = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MANUAL_COOLDOWN = timedelta(seconds=60)
BREAK_HISTORY = 200  # checks read back to find a verified domain's run of failures
_NAME_MESSAGES = {
    NameProblem.EMPTY: "Enter the domain to send from, such as smithcpa.com.",
    NameProblem.TOO_LONG: "That domain is too long (253 characters at most).",
    NameProblem.WILDCARD: "Enter one domain to send from, without wildcards.",
    NameProblem.IP_ADDRESS: (
        "An IP address cannot be a sending domain; enter a name like smithcpa.com."
    ),
    NameProblem.PORT: "Enter the domain without a port.",
    NameProblem.INVALID: (
        "{name} is not a valid domain name: use letters, digits and hyphens between dots."
    ),
    NameProblem.PUBLIC_SUFFIX: (
        "{name} is not a valid domain name to send from: enter your firm's own domain."
    ),
    NameProblem.RESERVED: "That is the platform's own domain; enter your firm's domain.",
}
# Public mailbox providers: nobody but the provider can publish DNS records there, so a firm can
# never verify them (their subdomains neither).
PUBLIC_MAILBOX_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com",
        "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "live.com", "msn.com",
        "yahoo.com", "yahoo.co.uk", "yahoo.fr", "ymail.com", "rocketmail.com", "aol.com",
        "icloud.com", "me.com", "mac.com",
        "proton.me", "protonmail.com", "pm.me", "tutanota.com", "tuta.io", "fastmail.com",
        "gmx.com", "gmx.net", "gmx.de", "web.de", "mail.com", "t-online.de",
        "zoho.com", "yandex.com", "yandex.ru", "mail.ru", "qq.com", "163.com", "126.com",
        "comcast.net", "att.net", "verizon.net", "btinternet.com", "orange.fr", "free.fr",
        "libero.it",
    }
)  # fmt: skip


def validate_domain(raw: str, tenant: TenantSnapshot | int) -> str:
    """The normalised domain, unless it is unusable or another firm has verified it."""
    config = current_app.config
    try:
        name = parse_domain_name(
            raw, reserved=(config["PLATFORM_DOMAIN"], config["PLATFORM_CNAME_TARGET"])
        )
    except BadDomainName as exc:
        message = _NAME_MESSAGES[exc.problem].format(name=exc.name.lower())
        raise UserError(message, field="domain") from None
    if is_public_mailbox_domain(name):
        raise UserError(
            f"{name} is a public email service: only its provider can publish DNS records there."
            " Enter a domain your firm owns, such as smithcpa.com.",
            field="domain",
        )
    taken = db.session.scalar(
        select(MailDomain.id).where(
            MailDomain.domain == name,
            MailDomain.tenant_id != tenant_id_of(tenant),
            MailDomain.status.in_([MailDomainStatus.VERIFIED, MailDomainStatus.FAILING]),
        )
    )
    if taken is not None:
        raise UserError("That domain is already verified by another firm.", field="domain")
    return name


def is_public_mailbox_domain(name: str) -> bool:
    labels = name.lower().rstrip(".").split(".")
    return any(".".join(labels[i:]) in PUBLIC_MAILBOX_DOMAINS for i in range(len(labels) - 1))


def validate_sender(local_part: str, display_name: str, reply_to: str) -> tuple[str, str, str]:
    local = (local_part or "").strip().lower()
    if not local or len(local) > 64 or not _LOCAL_PART.match(local):
        raise UserError(
            "Use letters, digits, dots or hyphens, such as notifications.", "local_part"
        )
    name = (display_name or "").strip()
    if _CONTROL.search(name):
        raise UserError("The display name cannot contain line breaks.", field="display_name")
    if not name or len(name) > 120:
        raise UserError("Enter a display name of up to 120 characters.", field="display_name")
    reply = ""
    if (reply_to or "").strip():
        try:
            reply = normalize_email(reply_to)
        except UserError as exc:
            raise UserError(exc.message, field="reply_to") from None
    return local, name, reply


def tenant_domain(tenant: TenantSnapshot | int) -> MailDomain | None:
    return db.session.scalar(owned(MailDomain, tenant))


def add_domain(
    tenant: TenantSnapshot | int, domain: str, local_part: str, display_name: str, reply_to: str
) -> MailDomain:
    """Validate, generate the DKIM key pair and the ownership token, plan the first check."""
    if tenant_domain(tenant) is not None:
        raise UserError("Remove the current sending domain first.", field="domain")
    name = validate_domain(domain, tenant)
    local, display, reply = validate_sender(local_part, display_name, reply_to)
    private_pem, public_key = generate_key_pair()
    row = MailDomain(
        tenant_id=tenant_id_of(tenant),
        domain=name,
        local_part=local,
        display_name=display,
        reply_to=reply or None,
        selector=f"foyer{utcnow():%Y%m}-{secrets.token_hex(4)}",
        private_key_encrypted=encrypt_private_key(current_app.config, private_pem),
        public_key=public_key,
        ownership_token=secrets.token_hex(20),  # 160 bits
        status=MailDomainStatus.PENDING,
        pending_checks=0,
    )
    _plan(row)
    db.session.add(row)
    return row


def remove_domain(tenant: TenantSnapshot | int) -> bool:
    row = tenant_domain(tenant)
    if row is None:
        return False
    db.session.delete(row)  # its check history goes with it (ON DELETE CASCADE)
    return True


def check_history(row: MailDomain, limit: int) -> list[MailDomainCheck]:
    """The latest checks of this domain, newest first."""
    query = (
        owned(MailDomainCheck, row.tenant_id, MailDomainCheck.mail_domain_id == row.id)
        .order_by(MailDomainCheck.checked_at.desc(), MailDomainCheck.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def facts_of(row: MailDomain) -> DomainFacts:
    return DomainFacts(row.domain, row.selector, row.public_key, row.ownership_token)


def manual_check_wait(row: MailDomain) -> int:
    """Seconds before "Verify now" may run again (0: now)."""
    if row.last_checked_at is None:
        return 0
    left = (row.last_checked_at + MANUAL_COOLDOWN - utcnow()).total_seconds()
    return int(left) + 1 if left > 0 else 0


def claim_scheduled_check(row: MailDomain, due: str) -> bool:
    """Take the check planned for `due` (see `tenants.check_plans.claim_check`)."""
    return claim_check(MailDomain, row.id, due)


def record_check(row: MailDomain, result: CheckResult, trigger: str) -> tuple[str, str]:
    """Store each record's status and the history row, plan the next check; returns
    (previous, new) status."""
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
    status = result.outcome(previous)
    failed = _definite_failure(result)
    if status == MailDomainStatus.FAILING and previous == MailDomainStatus.VERIFIED:
        if not _broken_for_good(row, now):
            status = MailDomainStatus.VERIFIED  # still signs; the records show the problem
    row.status = status
    if _all_ok(result):
        if previous != MailDomainStatus.VERIFIED:
            row.verified_at = now
        row.pending_checks = 0  # one good check clears a verified domain's failures
    elif status != MailDomainStatus.VERIFIED or failed or row.pending_checks:
        row.pending_checks += 1  # not verified, or verified but failing: checked again soon
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
    _plan(row)
    return previous, row.status


_FAILED_RECORD = re.compile(
    rf"(?:^|; )(?:{'|'.join(RECORD_KEYS)}): (?:{RecordStatus.MISSING}|{RecordStatus.INVALID})\b"
)


def _all_ok(result: CheckResult) -> bool:
    return all(check.status is RecordStatus.OK for check in result.records.values())


def _definite_failure(result: CheckResult) -> bool:
    """A record found missing or wrong (a temporary answer is no failure)."""
    return any(
        check.status in (RecordStatus.MISSING, RecordStatus.INVALID)
        for check in result.records.values()
    )


def _failed_before(check: MailDomainCheck) -> bool | None:
    """What a stored check found, read back from its summary (written by `record_check`, one
    "key: status" per record): True for a definite failure, False for all records OK, None for
    temporary answers only. Reasons only follow a failed or temporary record's status, so a
    reason's text can never turn a good check into a failure."""
    if _FAILED_RECORD.search(check.summary):
        return True
    statuses = [part.split(" ", 2)[1] for part in check.summary.split("; ") if " " in part]
    return False if statuses and all(s == RecordStatus.OK for s in statuses) else None


def _broken_for_good(row: MailDomain, now: datetime) -> bool:
    """A verified domain falls back to the platform sender only after
    MAIL_DOMAIN_BREAK_AFTER_FAILURES definite failures in a row (this check included;
    temporary answers skipped, a good check ends the run) whose first is at least
    MAIL_DOMAIN_BREAK_GRACE_SECONDS old: a DNS change in progress or a provider's hiccup does
    not switch the firm's mail. Decided from the check history, newest first."""
    config = current_app.config
    needed = int(config["MAIL_DOMAIN_BREAK_AFTER_FAILURES"])
    grace = timedelta(seconds=float(config["MAIL_DOMAIN_BREAK_GRACE_SECONDS"]))
    failures, first = 1, now
    for check in check_history(row, BREAK_HISTORY):
        failed = _failed_before(check)
        if failed is None:
            continue
        if not failed or check.outcome != MailDomainStatus.VERIFIED:
            break
        failures, first = failures + 1, check.checked_at
    return failures >= needed and now - first >= grace


def broken_records(result: CheckResult) -> list[str]:
    """The records that are missing or wrong, as the firm's managers are told about them."""
    return [
        f"{key.upper().replace('_', ' ')}: {check.reason or check.status}"
        for key, check in result.records.items()
        if check.status in (RecordStatus.MISSING, RecordStatus.INVALID)
    ]


def _plan(row: MailDomain) -> None:
    row.next_check_at = utcnow().replace(microsecond=0) + timedelta(seconds=next_check_delay(row))


def next_check_delay(row: MailDomain) -> int:
    """Seconds until the next check: MAIL_DOMAIN_VERIFIED_CHECK_INTERVAL once verified, else
    MAIL_DOMAIN_PENDING_CHECK_DELAYS, one step further after each check that did not verify
    (a verified domain whose last definite answer failed is re-checked on these too)."""
    config = current_app.config
    if row.status == MailDomainStatus.VERIFIED and not row.pending_checks:
        return int(config["MAIL_DOMAIN_VERIFIED_CHECK_INTERVAL"])
    return backoff_delay(config["MAIL_DOMAIN_PENDING_CHECK_DELAYS"], row.pending_checks - 1)


def due_checks(now: datetime | None = None) -> list[tuple[int, int, str]]:
    """The MailDomain rows whose next check is due (see `tenants.check_plans.due_checks`)."""
    return planned_due_checks(MailDomain, now)
