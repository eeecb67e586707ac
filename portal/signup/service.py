"""Self sign-up: registering, verifying, and purging registrations never verified."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from portal.auth.passwords import hash_password
from portal.clients.directory import clean_text, find_contacts_by_email
from portal.clients.models import (
    AccountContact,
    AccountKind,
    ClientAccount,
    Contact,
)
from portal.clients.notify import notify_managers
from portal.clients.records import delete_if_unused
from portal.core.database import utcnow
from portal.core.extensions import db
from portal.mail.compose import queue_email
from portal.referrals.attribution import attribute_signup
from portal.signup.codes import issue_code
from portal.signup.disposable import is_disposable
from portal.webhooks.service import emit
from tenants.context import tenant_url
from tenants.models import Tenant
from tenants.resolution import snapshot_of
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot


def register(
    tenant: TenantSnapshot, *, name: str, email: str, password: str, company: str = ""
) -> Contact | None:
    """Create an unverified identity and email its code; the caller commits.

    With duplicates off and the address known, nothing is created: the address gets an email
    saying how to sign in instead, and the caller answers exactly as for a new address, after
    the same work (two password hashes, one email), so the timing does not tell who is a client.
    """
    full_name = clean_text(name, label="full name", max_length=200, required=True)
    company_name = clean_text(company, label="company name", max_length=200)
    if not tenant.allow_duplicate_contacts and find_contacts_by_email(tenant.id, email):
        hash_password(password)  # as for the new identity's password
        hash_password(f"{secrets.randbelow(10**6):06d}")  # as for its code (issue_code)
        is_disposable(email)
        queue_email(
            tenant,
            email,
            "signup_existing",
            sign_in_link=tenant_url(tenant.canonical_host, "access.sign_in"),
            reset_link=tenant_url(tenant.canonical_host, "access.forgot_password"),
        )
        return None
    account = ClientAccount(
        tenant_id=tenant.id,
        name=company_name or full_name,
        kind=AccountKind.COMPANY if company_name else AccountKind.HOUSEHOLD,
    )
    contact = Contact(
        tenant_id=tenant.id,
        email=email,
        name=full_name,
        self_registered=True,
        password_hash=hash_password(password),
        email_problem="Disposable address" if is_disposable(email) else None,
    )
    db.session.add_all([account, contact])
    db.session.flush()
    db.session.add(
        AccountContact(
            tenant_id=tenant.id, account_id=account.id, contact_id=contact.id, login_enabled=True
        )
    )
    issue_code(tenant, contact)
    return contact


def mark_verified(
    tenant: TenantSnapshot, contact: Contact, referral_cookie: str | None = None
) -> None:
    """The address is proven: the identity may sign in, and a referral link it came through
    (its first-touch cookie, checked by portal.referrals) is credited. The caller commits."""
    if contact.activated_at is None:
        contact.activated_at = utcnow()
        attribute_signup(tenant, contact, referral_cookie)
        emit(tenant, "signup.verified", {"contact_id": contact.id, "email": contact.email})
        if tenant.notify_on_signup:
            notify_managers(tenant, "new_signup", contact=contact)


def unverified_signups(tenant_id: int) -> list[Contact]:
    return list(
        db.session.scalars(
            owned(Contact, tenant_id)
            .where(
                Contact.self_registered.is_(True),
                Contact.activated_at.is_(None),
            )
            .order_by(Contact.created_at.desc())
        )
    )


def purge_unverified(tenant: TenantSnapshot) -> int:
    """Delete registrations older than the tenant's limit that never verified their email,
    with the account each one made. One that has gathered anything since (a message from the
    firm, a file, an invoice, a second contact) is left for staff: a clean-up loses no history."""
    cutoff = utcnow() - timedelta(days=tenant.unverified_purge_days)
    stale = [c for c in unverified_signups(tenant.id) if c.created_at < cutoff]
    purged = 0
    for contact in stale:
        accounts = list(
            db.session.scalars(
                select(ClientAccount).where(
                    ClientAccount.tenant_id == tenant.id,
                    ClientAccount.id.in_(
                        select(AccountContact.account_id).where(
                            AccountContact.tenant_id == tenant.id,
                            AccountContact.contact_id == contact.id,
                        )
                    ),
                )
            )
        )
        if len(accounts) == 1 and delete_if_unused(tenant.id, accounts[0]):
            purged += 1
    return purged


def purge_unverified_everywhere() -> int:
    """Run `purge_unverified` for every tenant that has unverified sign-ups, one commit each.

    One query finds those tenants: the hourly run must not walk every tenant of the platform."""
    with_signups = select(Contact.tenant_id).where(
        Contact.self_registered.is_(True), Contact.activated_at.is_(None)
    )
    purged = 0
    query = select(Tenant).where(Tenant.id.in_(with_signups)).order_by(Tenant.id)
    for tenant in db.session.scalars(query):
        purged += purge_unverified(snapshot_of(tenant))
        db.session.commit()
    return purged
