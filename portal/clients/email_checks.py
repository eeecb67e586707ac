"""Every path that writes a contact's email through the ORM gets a mail-server check of its
domain after the commit (when CHECK_EMAIL_DOMAINS is on)."""

from __future__ import annotations

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, inspect

from jobs.queue import enqueue
from portal.clients.models import Contact
from portal.core.database import after_commit


def init_app(app: Flask) -> None:
    for name in ("after_insert", "after_update"):
        if not event.contains(Contact, name, _remember_email_set):
            event.listen(Contact, name, _remember_email_set)


def _remember_email_set(_mapper: object, _connection: object, contact: Contact) -> None:
    if not (has_app_context() and current_app.config["CHECK_EMAIL_DOMAINS"]):
        return
    if inspect(contact).attrs.email.history.has_changes():
        after_commit(_check_emails, (contact.tenant_id, contact.id))


def _check_emails(*contacts: tuple[int, int]) -> None:
    for tenant_id, contact_id in sorted(contacts):
        enqueue("check_contact_email", tenant_id, contact_id)
