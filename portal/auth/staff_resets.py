"""Staff "forgot password": 256-bit links, hashed at rest, single use, one hour.

The sign-in page's request only queues a job with the typed address (`request_reset`), so the
answer takes the same time and says the same thing whether or not the address is on the team;
the job (`send_reset_for`) looks the address up and sends a reset link, or for a teammate who
never set a password a fresh invitation, or nothing.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from jobs.queue import enqueue
from portal.auth.models import StaffMember, StaffPasswordReset
from portal.auth.single_use import consume_once
from portal.auth.staff import invite_staff
from portal.auth.tokens import hash_token, new_nonce, new_token
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.mail.compose import queue_email
from tenants.context import tenant_url
from tenants.scoping import get_owned, owned
from tenants.snapshot import TenantSnapshot

RESET_LIFETIME = timedelta(hours=1)
SEND_JOB = "send_staff_reset"


def request_reset(tenant: TenantSnapshot, email: str) -> None:
    """Hand the lookup and the email to a job: the request does the same work for any address
    (in embedded mode the job runs after the response has been sent)."""
    enqueue(SEND_JOB, tenant.id, email)


def send_reset_for(tenant: TenantSnapshot, email: str) -> bool:
    """Send what this address should get; True if an email was queued. The caller commits."""
    staff = db.session.scalar(
        owned(StaffMember, tenant.id).where(
            StaffMember.email == email,
            StaffMember.disabled_at.is_(None),
            StaffMember.removed_at.is_(None),
        )
    )
    if staff is None:
        return False
    if staff.password_hash is None:  # invited, never signed in: the invitation is what works
        invite_staff(tenant, staff)
        return True
    issue_reset(tenant, staff)
    return True


def issue_reset(tenant: TenantSnapshot, staff: StaffMember) -> None:
    """A new reset link (older unused ones die) and its email; the caller commits."""
    now = utcnow()
    db.session.execute(
        update(StaffPasswordReset)
        .where(
            StaffPasswordReset.tenant_id == tenant.id,
            StaffPasswordReset.staff_id == staff.id,
            StaffPasswordReset.used_at.is_(None),
        )
        .values(used_at=now)
    )
    raw, digest = new_token()
    db.session.add(
        StaffPasswordReset(
            tenant_id=tenant.id,
            staff_id=staff.id,
            token_hash=digest,
            expires_at=now + RESET_LIFETIME,
        )
    )
    link = tenant_url(tenant.canonical_host, "admin_staff_password.reset_password", token=raw)
    queue_email(tenant, staff.email, "staff_password_reset", link=link, staff=staff)


def live_reset(tenant_id: int, token: str) -> tuple[StaffPasswordReset, StaffMember] | None:
    """The open reset of this token and its staff member, if both are still usable."""
    if not token or len(token) > 100:
        return None
    reset = db.session.scalar(
        owned(StaffPasswordReset, tenant_id).where(
            StaffPasswordReset.token_hash == hash_token(token),
            StaffPasswordReset.used_at.is_(None),
            StaffPasswordReset.expires_at > utcnow(),
        )
    )
    staff = get_owned(StaffMember, tenant_id, reset.staff_id) if reset else None
    if reset is None or staff is None or not staff.can_sign_in:
        return None
    return reset, staff


def use_reset(reset: StaffPasswordReset, staff: StaffMember, password_hash: str) -> bool:
    """Redeem the link once (atomic); set the password and end every other session."""
    if not consume_once(StaffPasswordReset, reset, "used_at"):
        return False
    staff.password_hash = password_hash
    staff.session_nonce = new_nonce()
    return True
