"""Courses: sections, lessons, access and progress

Revision ID: 2a2a4ac216e8
Revises: 0863cbaf2453
Create Date: 2026-11-30 11:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "2a2a4ac216e8"
down_revision = "0863cbaf2453"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
