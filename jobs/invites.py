"""Bulk 'enable login and invite' runs: thousands of accounts without blocking the request.

A run works through its accounts in chunks. Each chunk commits its logins, invitations and
outbox rows together with the run's new count, and the count only moves on from the value the
chunk started at, so two runners of one run (a resumed run whose first process still lives)
never both commit a chunk. A job hands the rest of a long run to a new job after SLICE_SECONDS
(no RQ timeout cuts it), and `resume_bulk_invites` restarts runs whose process went away.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta

from sqlalchemy import func, select, update

from jobs.context import job
from jobs.queue import enqueue
from portal.clients.directory import enable_login_for_accounts
from portal.clients.invitations import send_invitations
from portal.clients.models import BulkInvite, BulkStatus
from portal.core.database import utcnow
from portal.core.extensions import db
from tenants.resolution import snapshot_by_id
from tenants.scoping import get_owned
from tenants.snapshot import TenantSnapshot

log = logging.getLogger(__name__)
CHUNK = 200
SLICE_SECONDS = 60.0  # well inside jobs.queue.JOB_TIMEOUT
STALE_AFTER = timedelta(minutes=5)  # no chunk committed for this long: the process is gone


@job
def run_bulk_invite(tenant_id: int, bulk_id: int) -> int:
    """Work on the run from its recorded count; returns the invitations this job sent. An error
    marks the run failed (staff see how far it got) and is raised again to be logged."""
    bulk = get_owned(BulkInvite, tenant_id, bulk_id)
    if bulk is None or bulk.status in (BulkStatus.DONE, BulkStatus.FAILED):
        return 0
    tenant = snapshot_by_id(tenant_id)
    if tenant is None:
        return 0
    try:
        return _work(tenant, bulk)
    except Exception:
        db.session.rollback()
        _set(tenant_id, bulk_id, status=BulkStatus.FAILED)
        db.session.commit()
        raise


def _work(tenant: TenantSnapshot, bulk: BulkInvite) -> int:
    started = time.monotonic()
    bulk_id, since, processed = bulk.id, bulk.created_at, bulk.processed
    account_ids: list[int] = json.loads(bulk.account_ids)
    invited_by, staff_id, message = bulk.invited_by_label, bulk.staff_id, bulk.personal_message
    send = bulk.send_invitations
    _set(tenant.id, bulk_id, status=BulkStatus.RUNNING)
    db.session.commit()
    sent = 0
    while processed < len(account_ids):
        if time.monotonic() - started > SLICE_SECONDS:
            enqueue(run_bulk_invite, tenant.id, bulk_id, background=True)
            return sent
        chunk = account_ids[processed : processed + CHUNK]
        contacts = enable_login_for_accounts(tenant.id, chunk)
        pending = [contact for contact in contacts if contact.activated_at is None]
        # A contact of two accounts, or of a chunk done before a restart, gets one email.
        invited = (
            send_invitations(
                tenant,
                pending,
                invited_by=invited_by,
                staff_id=staff_id,
                personal_message=message,
                not_sent_since=since,
            )
            if send
            else []
        )
        if not _advance(tenant.id, bulk_id, processed, len(chunk), len(invited)):
            db.session.rollback()  # another runner committed this chunk, or the run is gone
            return sent
        db.session.commit()
        db.session.expunge_all()  # keeps the session (and the worker's memory) small
        processed += len(chunk)
        sent += len(invited)
    _set(tenant.id, bulk_id, status=BulkStatus.DONE)
    db.session.commit()
    return sent


def _advance(tenant_id: int, bulk_id: int, processed: int, count: int, invited: int) -> bool:
    moved = db.session.execute(
        update(BulkInvite)
        .where(
            BulkInvite.tenant_id == tenant_id,
            BulkInvite.id == bulk_id,
            BulkInvite.processed == processed,
            BulkInvite.status == BulkStatus.RUNNING,
        )
        .values(processed=processed + count, invited=BulkInvite.invited + invited)
        .values(finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(moved.rowcount)  # type: ignore[attr-defined]


def _set(tenant_id: int, bulk_id: int, *, status: BulkStatus) -> None:
    """The status, and the time the run last moved (or finished): see BulkInvite."""
    db.session.execute(
        update(BulkInvite)
        .where(BulkInvite.tenant_id == tenant_id, BulkInvite.id == bulk_id)
        .values(status=status, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )


@job
def resume_bulk_invites() -> int:
    """Restart runs left queued or running with no chunk committed for STALE_AFTER: a deploy or
    a crash ended their process (an embedded thread, a killed worker) or Redis lost the job."""
    stale = utcnow() - STALE_AFTER
    runs = db.session.execute(
        select(BulkInvite.tenant_id, BulkInvite.id).where(
            BulkInvite.status.in_((BulkStatus.QUEUED, BulkStatus.RUNNING)),
            func.coalesce(BulkInvite.finished_at, BulkInvite.created_at) < stale,
        )
    ).all()
    db.session.rollback()
    for tenant_id, bulk_id in runs:
        log.warning("bulk invite %s of tenant %s stalled; resuming it", bulk_id, tenant_id)
        enqueue(run_bulk_invite, tenant_id, bulk_id, background=True)
    return len(runs)
