"""Passwordless sign-in for clients: a 6-digit code and a one-click link in one email.

The same token rules as sign-up codes (portal.auth.emailed_codes): the code is kept as an argon2
hash, the link as a SHA-256, ten minutes, five wrong entries invalidate the code, one live code
per address (a new request cancels the older ones), single use by one conditional UPDATE.

A code belongs to an address, not to a person: the sign-in form never says whether the address
is known, and with duplicate contacts one address may open several identities. The request only
queues a job (`request_code`), so the answer takes the same time whoever asks; the job sends a
code only when `eligible` says someone may sign in with that address.
"""

from __future__ import annotations

from datetime import timedelta

from jobs.queue import enqueue
from portal.auth import emailed_codes
from portal.auth.emailed_codes import CodeCheck
from portal.auth.models import SignInCode
from portal.mail.compose import queue_email
from tenants.context import tenant_url
from tenants.models import ClientSignIn
from tenants.snapshot import TenantSnapshot

CODE_LIFETIME = timedelta(minutes=10)
SEND_JOB = "send_sign_in_code"
PER_ADDRESS = "5/hour"  # codes asked for one address
PER_IP = "20/hour"  # codes asked from one network address
CHECKS_PER_ADDRESS = "20/15 minutes"  # codes typed for one address (each code: 5 tries)


def offered(tenant: TenantSnapshot) -> bool:
    return tenant.client_sign_in in (ClientSignIn.PASSWORD_OR_EMAIL, ClientSignIn.EMAIL)


def passwords_allowed(tenant: TenantSnapshot) -> bool:
    return tenant.client_sign_in != ClientSignIn.EMAIL


def request_code(tenant: TenantSnapshot, email: str) -> None:
    """Hand the lookup and the email to a job: the same work for any address."""
    enqueue(SEND_JOB, tenant.id, email)


def issue_code(tenant: TenantSnapshot, email: str) -> None:
    """Cancel the address's earlier codes, create one and queue its email; the caller commits."""
    code, raw_link = emailed_codes.issue(
        SignInCode, tenant.id, _of(email), CODE_LIFETIME, email=email
    )
    link = tenant_url(tenant.canonical_host, "passwordless.link", token=raw_link)
    queue_email(
        tenant,
        email,
        "sign_in_code",
        code=code,
        link=link,
        minutes=int(CODE_LIFETIME.total_seconds() // 60),
    )


def check_code(tenant_id: int, email: str, entered: str) -> CodeCheck:
    return emailed_codes.check(SignInCode, tenant_id, _of(email), entered)


def code_for_link(tenant_id: int, token: str) -> SignInCode | None:
    row: SignInCode | None = emailed_codes.for_link(SignInCode, tenant_id, token)
    return row


def use_link(row: SignInCode) -> bool:
    return emailed_codes.use(SignInCode, row)


def _of(email: str) -> emailed_codes.Owner:
    return (SignInCode.email == email,)
