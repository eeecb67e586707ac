"""What the client's Messages and Requests pages share: the reply form, the thread's messages
with read marking, and the live-update poll."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from portal.core.extensions import db
from portal.messaging.models import BODY_MAX, SUBJECT_MAX, Side, Thread
from portal.messaging.threads import Person, messages_page, viewing
from tenants.context import current_tenant
from themes.loader import render_themed

POLL_SECONDS = 5


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Your message"), validators=[Length(max=BODY_MAX + 1000)])


class NewThreadForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[Length(max=SUBJECT_MAX + 100)])
    body = TextAreaField(_l("Message"), validators=[Length(max=BODY_MAX + 1000)])


def me() -> Person:
    """The signed-in contact as a message author."""
    return Person(Side.CLIENT, current_user.id, current_user.display_name)


def uploads() -> list[FileStorage]:
    """The files chosen in the form's "Attach files" field."""
    return request.files.getlist("files")


def cursor(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def thread_context(thread: Thread) -> dict[str, Any]:
    """The thread's newest messages (or an earlier page), read by the contact now."""
    viewing(current_tenant, thread, me())
    db.session.commit()  # before loading what the page shows: a commit expires loaded rows
    messages, attachments, more = messages_page(current_tenant, thread, before=cursor("before"))
    return {
        "thread": thread,
        "messages": messages,
        "attachments": attachments,
        "earlier": messages[0].id if more and messages else None,
        "last_id": messages[-1].id if messages else 0,
        "poll_seconds": POLL_SECONDS,
    }


def poll(
    thread: Thread, attachment_endpoint: str, attachment_args: dict[str, int]
) -> ResponseReturnValue:
    """Messages newer than `after`, as HTML fragments drawn by the same template as the page."""
    viewing(current_tenant, thread, me())
    db.session.commit()
    messages, attachments, _ = messages_page(current_tenant, thread, after=cursor("after") or 0)
    items = [
        {
            "id": message.id,
            "html": render_themed(
                current_tenant.theme,
                "portal/messages/_message.html",
                message=message,
                attachments=attachments,
                thread=thread,
                attachment_endpoint=attachment_endpoint,
                attachment_args=attachment_args,
            ),
        }
        for message in messages
    ]
    return jsonify(messages=items)
