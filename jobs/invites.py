"""Bulk 'enable login and invite' runs: thousands of accounts without blocking the request."""

from __future__ import annotations

import json

from sqlalchemy import select

from jobs.context import job
from portal.clients.directory import enable_login_for_accounts
from portal.clients.invitations import send_invitation
from portal.clients.models import BulkInvite
from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.models import Tenant

CHUNK = 200


@job
def run_bulk_invite(tenant_id: int, bulk_id: int) -> int:
    bulk = db.session.scalar(
        select(BulkInvite).where(BulkInvite.tenant_id == tenant_id, BulkInvite.id == bulk_id)
    )
    if bulk is None or bulk.status == "done":
        return 0
    tenant = db.session.get(Tenant, tenant_id)
    account_ids: list[int] = json.loads(bulk.account_ids)
    bulk.status = "running"
    db.session.commit()
    invited_contacts: set[int] = set()
    for start in range(bulk.processed, len(account_ids), CHUNK):
        chunk = account_ids[start : start + CHUNK]
        contacts = enable_login_for_accounts(tenant_id, chunk)
        if bulk.send_invitations:
            for contact in contacts:
                if contact.activated_at is None and contact.id not in invited_contacts:
                    send_invitation(
                        tenant,
                        contact,
                        invited_by=bulk.invited_by_label,
                        staff_id=bulk.staff_id,
                        personal_message=bulk.personal_message,
                    )
                    invited_contacts.add(contact.id)
                    bulk.invited += 1
        bulk.processed = start + len(chunk)
        db.session.commit()
        db.session.expunge_all()
        bulk = db.session.get(BulkInvite, bulk_id)
        tenant = db.session.get(Tenant, tenant_id)
    bulk.status = "done"
    bulk.finished_at = utcnow()
    db.session.commit()
    return bulk.invited
