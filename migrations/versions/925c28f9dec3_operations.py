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
    pass


def downgrade():
    pass
