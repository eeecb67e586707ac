"""Indexes for the staff list pages at platform scale

Revision ID: 8116a1a908ab
Revises: 1f1b93b34dc0
Create Date: 2026-11-30 14:50:00

"""

from alembic import op  # noqa: F401


# revision identifiers, used by Alembic.
revision = "8116a1a908ab"
down_revision = "1f1b93b34dc0"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
