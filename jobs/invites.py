"""Bulk 'enable login and invite' runs: thousands of accounts without blocking the request."""

from __future__ import annotations

import json

from jobs.context import job
from portal.clients.directory import enable_login_for_accounts
from portal.clients.invitations import SendLimitReached, send_invitation
from portal.clients.models import BulkInvite, BulkStatus
from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.resolution import snapshot_by_id
from tenants.scoping import get_owned

CHUNK = 200


@job
def run_bulk_invite(tenant_id: int, bulk_id: int) -> int:
    bulk = get_owned(BulkInvite, tenant_id, bulk_id)
    if bulk is None or bulk.status == BulkStatus.DONE:
        return 0
    tenant = snapshot_by_id(tenant_id)
    if tenant is None:
        return 0
    account_ids: list[int] = json.loads(bulk.account_ids)
    bulk.status = BulkStatus.RUNNING
    db.session.commit()
    invited_contacts: set[int] = set()
    for start in range(bulk.processed, len(account_ids), CHUNK):
        chunk = account_ids[start : start + CHUNK]
        contacts = enable_login_for_accounts(tenant_id, chunk)
        if bulk.send_invitations:
            for contact in contacts:
                if contact.activated_at is None and contact.id not in invited_contacts:
                    try:
                        send_invitation(
                            tenant,
                            contact,
                            invited_by=bulk.invited_by_label,
                            staff_id=bulk.staff_id,
                            personal_message=bulk.personal_message,
                        )
                    except SendLimitReached:  # enough invitation emails to that address lately
                        continue
                    invited_contacts.add(contact.id)
                    bulk.invited += 1
        bulk.processed = start + len(chunk)
        db.session.commit()
        db.session.expunge_all()
        bulk = db.session.get(BulkInvite, bulk_id)
        if bulk is None:  # deleted while the job ran: nothing left to update
            return len(invited_contacts)
    bulk.status = BulkStatus.DONE
    bulk.finished_at = utcnow()
    db.session.commit()
    return bulk.invited
