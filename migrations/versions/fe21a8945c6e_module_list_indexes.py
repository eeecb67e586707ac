"""Indexes for module list pages at platform scale

Revision ID: fe21a8945c6e
Revises: 8116a1a908ab
Create Date: 2026-11-30 14:50:00

"""

from alembic import op  # noqa: F401


# revision identifiers, used by Alembic.
revision = "fe21a8945c6e"
down_revision = "8116a1a908ab"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
