"""Verification codes for self sign-up: 6 random digits, 15 minutes, 5 wrong entries, one live
code per person (a resend cancels the older ones); the rules are portal.auth.emailed_codes'."""

from __future__ import annotations

from datetime import timedelta

from portal.auth import emailed_codes
from portal.auth.emailed_codes import CodeCheck
from portal.clients.models import Contact
from portal.mail.compose import queue_email
from portal.signup.models import SignupCode
from tenants.context import tenant_url
from tenants.snapshot import TenantSnapshot

CODE_LIFETIME = timedelta(minutes=15)


def issue_code(tenant: TenantSnapshot, contact: Contact) -> None:
    """Cancel earlier codes, create a new one and queue its email; the caller commits."""
    code, raw_link = emailed_codes.issue(
        SignupCode, tenant.id, _of(contact.id), CODE_LIFETIME, contact_id=contact.id
    )
    link = tenant_url(tenant.canonical_host, "signup.confirm_link", token=raw_link)
    queue_email(
        tenant,
        contact.email,
        "signup_code",
        code=code,
        link=link,
        contact=contact,
        minutes=int(CODE_LIFETIME.total_seconds() // 60),
    )


def check_code(tenant_id: int, contact_id: int, entered: str) -> CodeCheck:
    return emailed_codes.check(SignupCode, tenant_id, _of(contact_id), entered)


def code_for_link(tenant_id: int, token: str) -> SignupCode | None:
    row: SignupCode | None = emailed_codes.for_link(SignupCode, tenant_id, token)
    return row


def use_link(row: SignupCode) -> bool:
    return emailed_codes.use(SignupCode, row)


def _of(contact_id: int) -> emailed_codes.Owner:
    return (SignupCode.contact_id == contact_id,)
