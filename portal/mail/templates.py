"""Per-firm wording of the client emails (invitation, reminder, welcome, reset, sign-up code).

An override is plain text with `{{ placeholder }}` fields, never a Jinja template: staff input
is not code, so it cannot reach the template engine, and its text and every value are escaped
into the theme's branded HTML layout. Without an override the theme's own templates are used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import render_template
from markupsafe import Markup, escape
from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import Model, db
from tenants.scoping import TenantOwned, owned
from tenants.snapshot import TenantSnapshot

SUBJECT_LENGTH = 200
TEST_KIND = "template_test"
BODY_LENGTH = 5000
_FIELD = re.compile(r"\{\{(.*?)\}\}", re.S)
_NAME = re.compile(r"\s*([a-z_]+)\s*")


class EmailTemplate(TenantOwned, Model):
    """A firm's own subject and body for one of the editable emails."""

    __tablename__ = "email_templates"
    __table_args__ = (UniqueConstraint("tenant_id", "key"), UniqueConstraint("tenant_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(SUBJECT_LENGTH))
    body: Mapped[str] = mapped_column(Text)
    updated_by_staff_id: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True, slots=True)
class Spec:
    key: str
    label: str
    kind: str  # the outbox kind and theme template it replaces
    button: str
    placeholders: tuple[tuple[str, str], ...]
    subject: str
    body: str


_CLIENT = (
    ("client_name", "the client's name (their email when no name is known)"),
    ("client_email", "the client's email address"),
    ("portal_name", "the portal name from Branding"),
)
_INVITE = (
    *_CLIENT,
    ("account_names", "the accounts the invitation opens"),
    ("personal_message", "the message typed when sending"),
    ("invited_by", "who sent the invitation"),
    ("expiry_days", "days until the link expires"),
    ("link", "the invitation link"),
)
SPECS: dict[str, Spec] = {
    spec.key: spec
    for spec in (
        Spec(
            "invitation",
            "Invitation",
            "client_invitation",
            "Accept invitation",
            _INVITE,
            "{{ portal_name }} portal: accept your invitation for {{ account_names }}",
            "Hello {{ client_name }},\n\n{{ portal_name }} has invited you to their secure "
            "client portal to see {{ account_names }}.\n\n{{ personal_message }}\n\n"
            "Set your password to activate your access. This link is for {{ client_email }} "
            "only and expires in {{ expiry_days }} days.",
        ),
        Spec(
            "reminder",
            "Invitation reminder (resend)",
            "client_invitation",
            "Accept invitation",
            _INVITE,
            "Reminder: your {{ portal_name }} portal invitation",
            "Hello {{ client_name }},\n\nA reminder that {{ portal_name }} has invited you to "
            "their secure client portal to see {{ account_names }}.\n\n{{ personal_message }}\n\n"
            "The link is for {{ client_email }} only and expires in {{ expiry_days }} days.",
        ),
        Spec(
            "welcome",
            "Welcome",
            "welcome",
            "Open the portal",
            (
                *_CLIENT,
                ("welcome_message", "the welcome message from Portal settings"),
                ("link", "the portal's address"),
            ),
            "Welcome to the {{ portal_name }} client portal",
            "Hello {{ client_name }},\n\nYour access to the {{ portal_name }} client portal is "
            "ready.\n\n{{ welcome_message }}\n\nSign in with {{ client_email }} and the password "
            "you chose.",
        ),
        Spec(
            "password_reset",
            "Password reset",
            "password_reset",
            "Choose a new password",
            (*_CLIENT, ("link", "the reset link (works once, for 1 hour)")),
            "{{ portal_name }} portal: reset your password",
            "Hello {{ client_name }},\n\nSomeone asked to reset the password of your "
            "{{ portal_name }} portal account ({{ client_email }}).\n\nThe link works once and "
            "expires in 1 hour. If you did not ask for this, ignore this email.",
        ),
        Spec(
            "signup_code",
            "Sign-up code",
            "signup_code",
            "Confirm my email address",
            (
                *_CLIENT,
                ("code", "the 6-digit verification code"),
                ("minutes", "minutes the code stays valid"),
                ("link", "the one-click confirmation link"),
            ),
            "{{ code }} is your {{ portal_name }} portal verification code",
            "Hello {{ client_name }},\n\nYour verification code for the {{ portal_name }} "
            "client portal is {{ code }}.\n\nIt is valid for {{ minutes }} minutes. "
            "If you did not create an account, ignore this email.",
        ),
    )
}
SAMPLE: dict[str, str] = {
    "client_name": "Alex Example",
    "client_email": "alex@example.com",
    "account_names": "Example Household",
    "personal_message": "Looking forward to working with you.",
    "invited_by": "Your firm",
    "expiry_days": "14",
    "link": "https://portal.example/invite/…",
    "welcome_message": "Upload your documents under Files.",
    "code": "123456",
    "minutes": "15",
}


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


def spec_for(key: str) -> Spec | None:
    return SPECS.get(key)


def overrides(tenant: TenantSnapshot | int) -> dict[str, EmailTemplate]:
    """The firm's overrides by key (one query)."""
    return {row.key: row for row in db.session.scalars(owned(EmailTemplate, tenant))}


def override_for(tenant: TenantSnapshot | int, key: str) -> EmailTemplate | None:
    return db.session.scalar(owned(EmailTemplate, tenant, EmailTemplate.key == key))


def check(spec: Spec, subject: str, body: str) -> tuple[str, str]:
    """Trimmed subject and body, or a UserError naming the first unknown placeholder."""
    subject, body = subject.strip(), body.replace("\r\n", "\n").strip()
    if not subject:
        raise UserError("Enter a subject.", field="subject")
    if not body:
        raise UserError("Enter the text of the email.", field="body")
    if len(subject) > SUBJECT_LENGTH:
        raise UserError(
            f"The subject is too long ({SUBJECT_LENGTH} characters at most).", "subject"
        )
    if len(body) > BODY_LENGTH:
        raise UserError(f"The text is too long ({BODY_LENGTH:,} characters at most).", "body")
    known = {name for name, _ in spec.placeholders}
    for field, text in (("subject", subject), ("body", body)):
        for match in _FIELD.finditer(text):
            name = _NAME.fullmatch(match.group(1))
            if name is None or name.group(1) not in known:
                allowed = ", ".join(f"{{{{ {n} }}}}" for n, _ in spec.placeholders)
                raise UserError(
                    f"Unknown placeholder {match.group(0)} in the {field}. "
                    f"This email can use: {allowed}.",
                    field=field,
                )
        leftover = _FIELD.sub("", text)
        if "{{" in leftover or "}}" in leftover or "{%" in text:
            raise UserError(
                f"The {field} has an unfinished placeholder: "
                "write them like {{ client_name }}.",
                field=field,
            )
    return subject, body


def save(tenant: TenantSnapshot, spec: Spec, subject: str, body: str, staff_id: int) -> None:
    """Create or replace the firm's override; the caller commits."""
    subject, body = check(spec, subject, body)
    row = override_for(tenant, spec.key)
    if row is None:
        row = EmailTemplate(tenant_id=tenant.id, key=spec.key, subject="", body="")
        db.session.add(row)
    row.subject, row.body = subject, body
    row.updated_by_staff_id = staff_id
    row.updated_at = utcnow()


def reset(tenant: TenantSnapshot, spec: Spec) -> bool:
    """Back to the theme's default wording; False when there was no override."""
    row = override_for(tenant, spec.key)
    if row is None:
        return False
    db.session.delete(row)
    return True


def fill(text: str, values: dict[str, str]) -> str:
    return _FIELD.sub(lambda m: values.get(m.group(1).strip(), ""), text)


def render(
    tenant: TenantSnapshot, spec: Spec, subject: str, body: str, values: dict[str, str]
) -> Rendered:
    """The email an override produces: plain-text fields filled, then escaped into the layout.

    The personal message is kept even when the wording leaves out its placeholder.
    """
    text = fill(body, values)
    message = values.get("personal_message", "")
    if message and "personal_message" not in {m.group(1).strip() for m in _FIELD.finditer(body)}:
        text = f"{text}\n\n{message}"
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    link = values.get("link", "")
    paragraphs = [
        Markup("<br>").join(escape(line) for line in p.split("\n")) for p in text.split("\n\n")
    ]
    portal_name = values.get("portal_name") or tenant.portal_name or tenant.name
    html = render_template(
        f"@{tenant.theme}/email/override.html",
        tenant=tenant,
        portal_name=portal_name,
        paragraphs=paragraphs,
        link=link,
        label=spec.button,
    )
    plain = f"{text}\n\n{spec.button}:\n{link}\n" if link and link not in text else text + "\n"
    return Rendered(subject=" ".join(fill(subject, values).split()), text=plain, html=html)


def values_from(tenant: TenantSnapshot, context: dict[str, Any]) -> dict[str, str]:
    """Placeholder values from the context `queue_email` passes to the theme templates."""
    contact = context.get("contact")
    names = context.get("account_names") or []
    values = {
        "client_name": getattr(contact, "display_name", "") if contact is not None else "",
        "client_email": getattr(contact, "email", "") if contact is not None else "",
        "portal_name": tenant.portal_name or tenant.name,
        "account_names": ", ".join(names) if isinstance(names, list) else str(names),
        "welcome_message": tenant.welcome_message,
    }
    for name in ("personal_message", "invited_by", "expiry_days", "link", "code", "minutes"):
        if context.get(name) is not None:
            values[name] = str(context[name])
    return values


def key_for(kind: str, context: dict[str, Any]) -> str | None:
    """Which editable email an outbox kind is: a resent invitation is the reminder."""
    if kind == "client_invitation":
        return "reminder" if context.get("reminder") else "invitation"
    spec = SPECS.get(kind)
    return spec.key if spec is not None and spec.kind == kind else None


def rendered_override(
    tenant: TenantSnapshot, kind: str, context: dict[str, Any]
) -> Rendered | None:
    """The firm's version of this email, or None to use the theme's templates."""
    if kind == TEST_KIND:  # "Send me a test": already rendered with sample values
        prepared: Rendered = context["prepared"]
        return Rendered(f"[Test] {prepared.subject}", prepared.text, prepared.html)
    key = key_for(kind, context)
    if key is None:
        return None
    row = override_for(tenant, key)
    if row is None:
        return None
    return render(tenant, SPECS[key], row.subject, row.body, values_from(tenant, context))


def preview_email(tenant: TenantSnapshot, kind: str, **context: Any) -> Rendered:
    """What `queue_email` would send, without sending it (the composer's preview)."""
    context = {"tenant": tenant, "portal_name": tenant.portal_name or tenant.name, **context}
    custom = rendered_override(tenant, kind, context)
    if custom is not None:
        return custom
    theme = tenant.theme
    subject = render_template(f"@{theme}/email/{kind}.subject.txt", **context)
    return Rendered(
        subject=" ".join(subject.split()),
        text=render_template(f"@{theme}/email/{kind}.txt", **context),
        html=render_template(f"@{theme}/email/{kind}.html", **context),
    )
