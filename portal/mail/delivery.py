"""Deliver claimed outbox rows over one SMTP connection per batch.

At-least-once with de-duplication: a row is claimed atomically before sending, so a job
enqueued twice never sends a message that is already sent or being sent by someone else.
"""

from __future__ import annotations

import secrets
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_mail import Connection, Message, sanitize_address
from sqlalchemy import Row, or_, select, update

from jobs.queue import enqueue
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.mail.attachments import Attachment, AttachmentMissing, for_messages, load
from portal.mail.models import OutboxMessage, OutboxStatus
from portal.maildomains.keys import KeyDecryptionError
from portal.maildomains.sending import SigningKey, sign, signing_key_for


def enqueue_delivery(ids: list[int]) -> None:
    """Hand rows to delivery jobs in batches (one SMTP connection per batch)."""
    size = current_app.config["OUTBOX_BATCH_SIZE"]
    for start in range(0, len(ids), size):
        enqueue("deliver_outbox", ids[start : start + size])


@dataclass(frozen=True, slots=True)
class Bounce:
    """A message the receiving server refused for good (5xx): no retry, staff are told."""

    message_id: int
    tenant_id: int
    kind: str
    to_address: str
    reason: str  # the server's reply, e.g. "550 5.1.1 No such user"


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retry: dict[int, list[int]] = field(default_factory=dict)
    failed: list[int] = field(default_factory=list)
    bounced: list[Bounce] = field(default_factory=list)  # the permanent part of `failed`


class _TimeoutConnection(Connection):
    """Flask-Mail's connection with a socket timeout (smtplib blocks forever by default)."""

    def configure_host(self) -> smtplib.SMTP:
        timeout = current_app.config["MAIL_TIMEOUT"]
        state = self.mail
        smtp_class = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        host = smtp_class(state.server, state.port, timeout=timeout)
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


def deliver(ids: list[int]) -> DeliveryReport:
    token = _claim(ids)
    # Plain rows, not ORM objects: each per-message commit then costs no identity-map expiry.
    rows = db.session.execute(
        select(OutboxMessage.__table__)
        .where(OutboxMessage.claim_token == token)
        .order_by(OutboxMessage.id)
    ).all()
    report = DeliveryReport()
    if not rows:
        return report
    if not current_app.config["MAIL_SERVER"]:
        for row in rows:
            _mark_sent(row, report)
        return report
    files = for_messages([row.id for row in rows])
    try:
        connection = _TimeoutConnection(current_app.extensions["mail"])
        signing: dict[tuple[int, str], SigningKey | None] = {}
        with connection:
            for index, row in enumerate(rows):
                try:
                    _send(connection, row, signing, files.get(row.id, []))
                except AttachmentMissing as exc:
                    _mark_error(row, report, f"attachment missing: {exc}", permanent=False)
                except KeyDecryptionError as exc:
                    _mark_error(row, report, f"DKIM key unusable: {exc}", permanent=False)
                except smtplib.SMTPResponseException as exc:
                    _mark_error(
                        row,
                        report,
                        _reply(exc.smtp_code, exc.smtp_error),
                        permanent=500 <= exc.smtp_code < 600,
                    )
                except smtplib.SMTPRecipientsRefused as exc:
                    replies = "; ".join(_reply(*reply) for reply in exc.recipients.values())
                    _mark_error(
                        row,
                        report,
                        f"recipient refused: {replies}",
                        permanent=_all_permanent(exc),
                    )
                except (OSError, smtplib.SMTPException) as exc:
                    for pending in rows[index:]:
                        _mark_error(pending, report, f"connection lost: {exc}", permanent=False)
                    break
                else:
                    _mark_sent(row, report)
    except (OSError, smtplib.SMTPException) as exc:
        done = set(report.sent) | set(report.failed) | {i for v in report.retry.values() for i in v}
        for row in rows:
            if row.id not in done:
                _mark_error(row, report, f"SMTP server unavailable: {exc}", permanent=False)
    return report


def _reply(code: int, text: bytes | str) -> str:
    """An SMTP reply as the server wrote it: '550 5.1.1 No such user'."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return f"{code} {' '.join(text.split())}"


def _all_permanent(exc: smtplib.SMTPRecipientsRefused) -> bool:
    return all(500 <= code < 600 for code, _ in exc.recipients.values())


def _claim(ids: list[int]) -> str:
    now = utcnow()
    token = secrets.token_hex(16)
    lease = now + timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            or_(
                OutboxMessage.status == OutboxStatus.QUEUED,
                (OutboxMessage.status == OutboxStatus.SENDING)
                & (OutboxMessage.claimed_until < now),
            ),
        )
        .values(
            status=OutboxStatus.SENDING,
            claim_token=token,
            claimed_until=lease,
            attempts=OutboxMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return token


def _send(
    connection: Connection,
    row: Row,
    signing: dict[tuple[int, str], SigningKey | None],
    files: list[Attachment] | None = None,
) -> None:
    """From the tenant's verified domain: DKIM-signed raw bytes over the same connection."""
    message = _to_message(row, files or [])
    cache_key = (row.tenant_id, row.from_address)
    if cache_key not in signing:
        signing[cache_key] = signing_key_for(row.tenant_id, row.from_address)
    key = signing[cache_key]
    smtp = connection.host  # None when MAIL_SUPPRESS_SEND: Flask-Mail's send() then sends nothing
    if smtp is None or (key is None and not row.to_header and not row.cc_header):
        connection.send(message)
        return
    # The envelope is this row's recipient only: the shown To/Cc of a copy reach nobody else.
    if key is None:
        smtp.sendmail(sanitize_address(row.from_address), [row.to_address], message.as_bytes())
        return
    smtp.sendmail(key.envelope_from, [row.to_address], sign(message.as_bytes(), key))


def _addresses(header: str) -> list[str | tuple[str, str]]:
    return [part.strip() for part in header.split(",") if part.strip()]


def _to_message(row: Row, files: list[Attachment] | None = None) -> Message:
    message = Message(
        subject=row.subject,
        recipients=_addresses(row.to_header) or [str(row.to_address)],
        cc=_addresses(row.cc_header) or None,
        body=row.text_body,
        html=row.html_body,
        sender=row.from_address,
        reply_to=row.reply_to,
    )
    message.msgId = row.message_id
    for file in load(files or []):
        message.attach(file.filename, file.content_type, file.data)
    return message


def _mark_sent(row: Row, report: DeliveryReport) -> None:
    _update(row, status=OutboxStatus.SENT, sent_at=utcnow(), claim_token=None, last_error=None)
    report.sent.append(row.id)


def _mark_error(row: Row, report: DeliveryReport, error: str, *, permanent: bool) -> None:
    schedule = current_app.config["OUTBOX_RETRY_SCHEDULE"]
    if permanent or row.attempts > len(schedule):
        _update(row, status=OutboxStatus.FAILED, last_error=error[:1000], claim_token=None)
        report.failed.append(row.id)
        if permanent:
            report.bounced.append(Bounce(row.id, row.tenant_id, row.kind, row.to_address, error))
    else:
        delay = schedule[row.attempts - 1]
        _update(
            row,
            status=OutboxStatus.QUEUED,
            last_error=error[:1000],
            claim_token=None,
            next_attempt_at=utcnow() + timedelta(seconds=delay),
        )
        report.retry.setdefault(delay, []).append(row.id)


def _update(row: Row, **values: object) -> None:
    """Commit each outcome at once: a crash right after must not resend what was sent."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id, OutboxMessage.claim_token == row.claim_token)
        .values(**values)
    )
    db.session.commit()


def due_message_ids(limit: int, grace_seconds: int = 60) -> list[int]:
    """Rows a sweep should hand to delivery: retries whose job got lost and expired leases.

    The grace period leaves fresh rows to the job enqueued with them.
    """
    now = utcnow()
    overdue = now - timedelta(seconds=grace_seconds)
    query = (
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.status == OutboxStatus.QUEUED)
                & (OutboxMessage.next_attempt_at <= overdue),
                (OutboxMessage.status == OutboxStatus.SENDING)
                & (OutboxMessage.claimed_until < now),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))
