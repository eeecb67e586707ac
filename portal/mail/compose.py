"""Write branded emails to the outbox; they are handed to a delivery job after the commit."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import inspect

from portal.core.database import after_commit
from portal.core.extensions import db
from portal.core.i18n import FALLBACK, default_language, language_for
from portal.mail.delivery import enqueue_delivery
from portal.mail.models import OutboxMessage
from portal.mail.templates import rendered_override
from portal.maildomains.sending import sender_for
from tenants.snapshot import TenantSnapshot

_HEADER_UNSAFE = re.compile(r"[\r\n\x00-\x1f\x7f]+")
# Emails only the firm's staff receive: always English, like the staff pages.
STAFF_KINDS = frozenset(
    {
        "staff_invitation",
        "staff_password_reset",
        "staff_password_changed",
        "domain_broken",
        "mail_domain_broken",
        "new_signup",
        "portal_access_request",
        "invite_renewal_request",
    }
)


def header_safe(value: str) -> str:
    """Collapse CR, LF and other control characters: no header injection through tenant data."""
    return _HEADER_UNSAFE.sub(" ", value).strip()


def queue_email(tenant: TenantSnapshot, to: str, kind: str, **context: Any) -> OutboxMessage:
    """Render `email/<kind>` in the tenant's theme and add it to the outbox in this transaction.

    In the recipient's language: `language=` when the caller knows it (taken out of the
    context), else `recipient_language` works it out from the context. A firm's own wording (an
    override) is sent as the firm wrote it."""
    language = context.pop("language", None)
    # The "Portal name" setting stands for the firm wherever it is set (From, subject, body).
    portal_name = tenant.portal_name or tenant.name
    context = {"tenant": tenant, "portal_name": portal_name, **context}
    theme = tenant.theme
    with force_locale(language or recipient_language(tenant, kind, context)):
        custom = rendered_override(tenant, kind, context)  # the firm's own wording, if edited
        if custom is not None:
            subject, text_body, html_body = custom.subject, custom.text, custom.html
        else:
            subject = render_template(f"@{theme}/email/{kind}.subject.txt", **context)
            text_body = render_template(f"@{theme}/email/{kind}.txt", **context)
            html_body = render_template(f"@{theme}/email/{kind}.html", **context)
    sender = sender_for(tenant.id, portal_name, header_safe)  # the firm's domain once verified
    message = OutboxMessage(
        tenant_id=tenant.id,
        kind=kind,
        to_address=header_safe(to),
        from_address=sender.from_address,
        reply_to=header_safe(sender.reply_to) if sender.reply_to else None,
        subject=header_safe(subject)[:300],
        text_body=text_body,
        html_body=html_body,
        message_id=f"<{uuid.uuid4().hex}@{sender.message_id_domain}>",
    )
    db.session.add(message)
    after_commit(_enqueue_committed, message)
    return message


def recipient_language(tenant: TenantSnapshot, kind: str, context: dict[str, Any]) -> str:
    """Staff read English; a client (`contact` in the context) their language while the firm
    offers it; anyone else (a sign-up code before there is a choice) the firm's default."""
    if kind in STAFF_KINDS or context.get("staff") is not None:
        return FALLBACK
    contact = context.get("contact")
    if contact is not None:
        return language_for(getattr(contact, "language", None), tenant)
    return default_language(tenant)


def _enqueue_committed(*messages: OutboxMessage) -> None:
    """The identity key holds each id after the commit without loading the expired rows."""
    keys = (inspect(message).identity for message in messages)
    enqueue_delivery([key[0] for key in keys if key is not None])
