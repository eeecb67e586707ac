"""Per-tenant invoice numbers with no gaps and no duplicates, even when invoices are sent at
the same moment. Drafts have no number: a number is taken when the invoice is sent.

The tenant's counter row is incremented with `UPDATE … SET next_number = next_number + 1
RETURNING` inside the transaction that sends the invoice: the update locks the row until that
transaction ends, so a second creator waits and then reads the new value; if the invoice is not
sent the increment rolls back with it, so no number is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.billing.models import Invoice, InvoiceNumberSequence
from portal.core.extensions import db
from tenants.scoping import tenant_id_of
from tenants.snapshot import TenantSnapshot


def _ensure_counter(tenant_id: int) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(InvoiceNumberSequence).values(
        tenant_id=tenant_id, next_number=1, prefix="INV-"
    )
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["tenant_id"]))


def take_number(tenant: TenantSnapshot | int) -> tuple[int, str]:
    """The next (sequence, number) of the tenant; call inside the invoice's transaction."""
    tenant_id = tenant_id_of(tenant)
    _ensure_counter(tenant_id)
    row = db.session.execute(
        update(InvoiceNumberSequence)
        .where(InvoiceNumberSequence.tenant_id == tenant_id)
        .values(next_number=InvoiceNumberSequence.next_number + 1)
        .returning(InvoiceNumberSequence.next_number, InvoiceNumberSequence.prefix)
    ).one()
    sequence = int(row.next_number) - 1
    return sequence, f"{row.prefix}{sequence:04d}"


@dataclass(frozen=True, slots=True)
class SequenceCheck:
    """Proof for Billing settings: how many numbers are used, and any gap or duplicate."""

    used: int
    highest: int
    missing: list[int]
    duplicated: list[int]

    @property
    def ok(self) -> bool:
        return not self.missing and not self.duplicated


def check_sequence(tenant: TenantSnapshot | int) -> SequenceCheck:
    """Count the numbers in use against 1..highest, in the database (no rows loaded)."""
    tenant_id = tenant_id_of(tenant)
    numbered = select(Invoice.sequence).where(
        Invoice.tenant_id == tenant_id, Invoice.sequence.is_not(None)
    )
    used, distinct, highest = db.session.execute(
        select(
            func.count(), func.count(func.distinct(Invoice.sequence)), func.max(Invoice.sequence)
        ).where(Invoice.tenant_id == tenant_id, Invoice.sequence.is_not(None))
    ).one()
    highest = int(highest or 0)
    duplicated = list(
        db.session.scalars(numbered.group_by(Invoice.sequence).having(func.count() > 1).limit(20))
    )
    missing: list[int] = []
    if distinct != highest:  # some number below the highest is not used: find a few
        present = set(db.session.scalars(numbered))
        missing = [n for n in range(1, highest + 1) if n not in present][:20]
    return SequenceCheck(int(used), highest, missing, [int(n) for n in duplicated if n])
