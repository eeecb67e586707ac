"""Atomic single use of a stored token row (invitations, resets, codes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from portal.core.database import utcnow
from portal.core.extensions import db


def consume_once(model: Any, row: Any, stamp: str, *also_unset: str) -> bool:
    """Set `stamp` to now only if it and `also_unset` are still empty and the row hasn't expired.

    One conditional UPDATE: of two concurrent submits exactly one wins (no check-then-act race).
    """
    now = utcnow()
    unset = [getattr(model, name).is_(None) for name in (stamp, *also_unset)]
    used = db.session.scalar(
        update(model)
        .where(model.id == row.id, model.tenant_id == row.tenant_id, model.expires_at > now, *unset)
        .values({stamp: now})
        .returning(model.id)
        .execution_options(synchronize_session=False)
    )
    return used is not None
