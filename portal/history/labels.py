"""How each event reads in the timeline, translated when the page is drawn."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.billing.money import format_minor
from portal.history.timeline import Event, Kind

KIND_LABELS = {
    Kind.INVITATION: _l("Invitations"),
    Kind.MESSAGE: _l("Messages"),
    Kind.REQUEST: _l("Requests"),
    Kind.FILE: _l("Files"),
    Kind.DOCUMENT: _l("Document requests"),
    Kind.INVOICE: _l("Invoices"),
    Kind.PAYMENT: _l("Payments"),
    Kind.COURSE: _l("Courses"),
    Kind.COMMUNITY: _l("Community"),
}
STATUS_LABELS = {
    "open": _l("Open"),
    "in_progress": _l("In progress"),
    "waiting": _l("Waiting on you"),
    "done": _l("Done"),
    "requested": _l("Requested"),
    "uploaded": _l("Uploaded"),
    "accepted": _l("Accepted"),
    "reopened": _l("Changes asked"),
    "sent": _l("Sent"),
    "partially_paid": _l("Partially paid"),
    "paid": _l("Paid"),
    "void": _l("Void"),
    "draft": _l("Draft"),
}


def status_label(value: str) -> str:
    label = STATUS_LABELS.get(value)
    return str(label) if label is not None else value


def describe(event: Event) -> str:
    """One sentence for the event (names and titles are escaped by the template)."""
    title, actor = event.title, event.actor
    match (event.kind, event.action):
        case (Kind.INVITATION, _):
            return _("%(name)s accepted the invitation to the portal.", name=title)
        case (Kind.MESSAGE, _):
            return _("%(name)s wrote in “%(subject)s”.", name=actor or _("Someone"), subject=title)
        case (Kind.REQUEST, "status"):
            return _(
                "Request “%(subject)s” is now %(status)s.",
                subject=title,
                status=status_label(event.detail),
            )
        case (Kind.REQUEST, _):
            return _("Request “%(subject)s” was opened.", subject=title)
        case (Kind.FILE, _):
            return _("File “%(name)s” was shared.", name=title)
        case (Kind.DOCUMENT, "uploaded"):
            return _("A document was uploaded for “%(title)s”.", title=title)
        case (Kind.DOCUMENT, "reviewed"):
            return _(
                "Document “%(title)s” was reviewed: %(status)s.",
                title=title,
                status=status_label(event.detail),
            )
        case (Kind.DOCUMENT, _):
            return _("Document “%(title)s” was requested.", title=title)
        case (Kind.INVOICE, "drafted"):
            return _("Invoice %(number)s was drafted (not sent).", number=title)
        case (Kind.INVOICE, _):
            return _("Invoice %(number)s was sent.", number=title)
        case (Kind.PAYMENT, _):
            if (event.amount_minor or 0) < 0:
                return _("A refund was made.")
            return _("A payment was received.")
        case (Kind.COURSE, _):
            return _(
                "%(name)s completed the lesson “%(lesson)s” of “%(course)s”.",
                name=actor,
                lesson=title,
                course=event.detail,
            )
        case (Kind.COMMUNITY, _):
            return _("%(name)s posted in %(group)s.", name=actor, group=title)
    return title


def amount_text(event: Event) -> str:
    if event.amount_minor is None or not event.currency:
        return ""
    return format_minor(event.amount_minor, event.currency)


def excerpt(event: Event) -> str:
    """The message or post text shown under the sentence (plain text, escaped later)."""
    if event.kind in (Kind.MESSAGE, Kind.COMMUNITY):
        return event.detail
    return ""
