"""client files, folders and trash

Revision ID: e2a2f590aa75
Revises: f4e26866b492
Create Date: 2026-11-30 07:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2a2f590aa75'
down_revision = 'f4e26866b492'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
