"""Deleting self sign-ups that never verified their email, per each tenant's limit."""

from __future__ import annotations

from jobs.context import job
from portal.signup.service import purge_unverified_everywhere


@job
def purge_unverified_signups() -> int:
    return purge_unverified_everywhere()
