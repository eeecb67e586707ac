"""staff team roles and password resets

Revision ID: 3a0130756bd4
Revises: d68e939a99f8
Create Date: 2026-11-30 07:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3a0130756bd4'
down_revision = 'd68e939a99f8'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
