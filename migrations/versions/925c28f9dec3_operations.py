"""tenant deletion grace period and exports

Revision ID: 925c28f9dec3
Revises: 85c936504a8e
Create Date: 2026-11-30 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '925c28f9dec3'
down_revision = '85c936504a8e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tenant_lifecycles",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("suspension_reason", sa.String(length=500), server_default="", nullable=False),
        sa.Column("suspended_at", sa.DateTime(), nullable=True),
        sa.Column("deletion_requested_at", sa.DateTime(), nullable=True),
        sa.Column("deletion_reason", sa.String(length=500), server_default="", nullable=False),
        sa.Column("previous_status", sa.String(length=16), server_default="", nullable=False),
        sa.Column("export_key", sa.String(length=200), server_default="", nullable=False),
        sa.Column("export_ready_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("tenant_id"),
    )


def downgrade():
    op.drop_table("tenant_lifecycles")
