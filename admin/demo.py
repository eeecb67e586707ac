"""The demo tenant of `foyer demo`: idempotent, with fresh random passwords on every run."""

from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import select

from portal.auth.models import Operator, StaffMember, StaffRole
from portal.auth.passwords import hash_password
from portal.auth.staff import provision_tenant
from portal.clients import directory
from portal.clients.models import ClientAccount
from portal.community.demo import seed_community
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.courses.demo import seed_course
from portal.documents.demo import DEMO_ACCOUNT, DEMO_CONTACT, seed_document_requests
from portal.files.demo import seed_files
from portal.messaging.demo import seed_conversations
from portal.messaging.models import Side
from portal.messaging.threads import Person
from portal.payments.demo import seed_invoices
from portal.referrals.demo import seed_referrals
from tenants.models import Tenant
from tenants.resolution import snapshot_of
from tenants.scoping import owned

DEMO_SLUG = "demo"
DEMO_NAME = "Demo Accounting LLP"
DEMO_OWNER = "owner@demo-accounting.example"


def seed_demo() -> dict[str, str]:
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == DEMO_SLUG))
    if tenant is None:
        tenant, _link = provision_tenant(DEMO_SLUG, DEMO_NAME, DEMO_OWNER)
    owner = db.session.scalar(
        owned(StaffMember, tenant.id).where(StaffMember.role == StaffRole.OWNER)
    )
    if owner is None:
        raise UserError(f"The {DEMO_SLUG} tenant has no owner: delete it and run the demo again.")
    operator_email = f"admin@{current_app.config['PLATFORM_DOMAIN']}"
    operator = db.session.scalar(select(Operator).where(Operator.email == operator_email))
    if operator is None:
        operator = Operator(email=operator_email, password_hash="")
        db.session.add(operator)
    seed_document_requests(tenant.id, owner.id)
    db.session.flush()
    staff = Person(Side.STAFF, owner.id, owner.display_name)
    seed_conversations(snapshot_of(tenant), staff)
    seed_files(snapshot_of(tenant), owner.id)
    _seed_client_modules(tenant, owner.id)
    credentials = {
        "operator_email": operator.email,
        "operator_password": _fresh_password(operator),
        "staff_email": owner.email,
        "staff_password": _fresh_password(owner),
    }
    db.session.commit()
    return credentials


def _seed_client_modules(tenant: Tenant, staff_id: int) -> None:
    """Courses, community, referrals and invoices, all around the demo client."""
    snapshot = snapshot_of(tenant)
    account = db.session.scalar(owned(ClientAccount, tenant.id, ClientAccount.name == DEMO_ACCOUNT))
    client = directory.find_contact_by_email(tenant.id, DEMO_CONTACT)
    if account is None or client is None:
        return  # the firm deleted the demo client: nothing to show around it
    seed_course(snapshot, client.id)
    seed_community(snapshot, tenant.portal_name or tenant.name, staff_id, client, account.id)
    seed_referrals(snapshot, client, account.id)
    seed_invoices(snapshot, account.id, staff_id)


def _fresh_password(principal: Operator | StaffMember) -> str:
    password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
    principal.password_hash = hash_password(password)
    principal.session_nonce = ""
    return password
