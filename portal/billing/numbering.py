"""Per-tenant invoice numbers with no gaps and no duplicates, even when invoices are sent at
the same moment. Drafts have no number: a number is taken when the invoice is sent.

The tenant's counter row is incremented with `UPDATE … SET next_number = next_number + 1
RETURNING` inside the transaction that sends the invoice: the update locks the row until that
transaction ends, so a second creator waits and then reads the new value; if the invoice is not
sent the increment rolls back with it, so no number is skipped.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from portal.billing.models import InvoiceNumberSequence
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
