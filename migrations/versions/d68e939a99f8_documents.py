"""document requests and no-login action links

Revision ID: d68e939a99f8
Revises: e2a2f590aa75
Create Date: 2026-11-30 07:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd68e939a99f8'
down_revision = 'e2a2f590aa75'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
