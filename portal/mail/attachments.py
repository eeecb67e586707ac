"""Files sent with outbox emails: stored once through `storage()`, read on every attempt.

The outbox row keeps only the storage key, so a retry after an SMTP failure sends the same
bytes, and several copies of one email (one per recipient) share one stored file.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.core.extensions import db
from portal.core.storage import storage
from portal.mail.models import OutboxAttachment, OutboxMessage


@dataclass(frozen=True, slots=True)
class Attachment:
    storage_key: str
    filename: str
    content_type: str


@dataclass(frozen=True, slots=True)
class LoadedAttachment:
    filename: str
    content_type: str
    data: bytes


class AttachmentMissing(Exception):
    """The stored bytes are gone: the message waits for a retry rather than going without."""


def attach(message: OutboxMessage, *files: Attachment) -> None:
    """Link stored files to a message queued in this transaction; the caller commits."""
    db.session.flush()  # the message's id
    for file in files:
        db.session.add(
            OutboxAttachment(
                tenant_id=message.tenant_id,
                message_id=message.id,
                storage_key=file.storage_key,
                filename=file.filename[:200],
                content_type=file.content_type[:100],
            )
        )


def for_messages(ids: list[int]) -> dict[int, list[Attachment]]:
    """The attachments of a delivery batch in one query: message id → files in order."""
    found: dict[int, list[Attachment]] = {}
    if not ids:
        return found
    rows = db.session.execute(
        select(OutboxAttachment.__table__)
        .where(OutboxAttachment.message_id.in_(ids))
        .order_by(OutboxAttachment.id)
    ).all()
    for row in rows:
        found.setdefault(row.message_id, []).append(
            Attachment(row.storage_key, row.filename, row.content_type)
        )
    return found


def load(files: list[Attachment]) -> list[LoadedAttachment]:
    loaded = []
    for file in files:
        data = storage().get(file.storage_key)
        if data is None:
            raise AttachmentMissing(file.filename)
        loaded.append(LoadedAttachment(file.filename, file.content_type, data))
    return loaded
