"""Deleting self sign-ups that never verified their email, per each tenant's limit."""

from __future__ import annotations

from sqlalchemy import select

from jobs import enqueue, recurring_job_id
from jobs.context import job
from portal.core.extensions import db
from portal.signup.service import purge_unverified
from tenants.models import Tenant

PURGE_INTERVAL = 3600


@job
def purge_unverified_signups(reschedule: bool = False) -> int:
    purged = 0
    for tenant in db.session.scalars(select(Tenant).order_by(Tenant.id)):
        purged += purge_unverified(tenant)
        db.session.commit()
    if reschedule:
        enqueue(
            purge_unverified_signups,
            True,
            job_id=recurring_job_id("purge-signups"),
            delay=PURGE_INTERVAL,
        )
    return purged
