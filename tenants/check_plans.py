"""When a domain's next DNS check is due, shared by web domains and mail sending domains.

Each check plans the next one in the row's `next_check_at`. A sweep finds the due rows; a
claim (one conditional UPDATE) lets exactly one run take a planned check, even when the sweep
and the delayed job start it at the same time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Mapped

from portal.core.database import utcnow
from portal.core.extensions import db

CHECK_LEASE = timedelta(minutes=10)  # a claimed check that dies is due again after this
SWEEP_BATCH = 500


class PlannedChecks:
    """Mixin of the models whose DNS checks are planned (`Domain`, `MailDomain`)."""

    if TYPE_CHECKING:  # columns of the concrete models (their primary key, TenantOwned)
        id: Mapped[int]
        tenant_id: Mapped[int]
    next_check_at: Mapped[datetime | None]  # None: no automatic check planned


def due_checks(
    model: type[PlannedChecks], now: datetime | None = None
) -> list[tuple[int, int, str]]:
    """(tenant_id, row id, due) of the rows whose next check is due, most overdue first; `due`
    is the planned time the check job claims (`claim_check`)."""
    rows = db.session.execute(
        select(model.tenant_id, model.id, model.next_check_at)
        .where(model.next_check_at <= (now or utcnow()))
        .order_by(model.next_check_at)
        .limit(SWEEP_BATCH)
    ).all()
    return [
        (tenant_id, row_id, due.isoformat())
        for tenant_id, row_id, due in rows
        if due is not None  # always, by the WHERE clause
    ]


def claim_check(model: type[PlannedChecks], row_id: int, due: str) -> bool:
    """Take the check planned for `due`; False when another run took it or a newer plan
    replaced it, so a check (and a failure it finds) is counted once."""
    claimed = db.session.scalar(
        update(model)
        .where(model.id == row_id, model.next_check_at == datetime.fromisoformat(due))
        .values(next_check_at=utcnow() + CHECK_LEASE)
        .returning(model.id)
        .execution_options(synchronize_session=False)
    )
    return claimed is not None
