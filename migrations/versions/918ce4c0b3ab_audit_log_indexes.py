"""Audit log indexes

Revision ID: 918ce4c0b3ab
Revises: fe21a8945c6e
Create Date: 2026-11-30 15:35:16.292595

The audit log's event filter reads one kind of event newest first, and its menu of event names
hops from one name to the next in this index instead of reading the firm's whole log.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "918ce4c0b3ab"
down_revision = "fe21a8945c6e"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_audit_events_tenant_event_at", "audit_events", ["tenant_id", "event", "at"])


def downgrade():
    op.drop_index("ix_audit_events_tenant_event_at", table_name="audit_events")
