"""payments, providers, saved methods and provider events

Revision ID: e6c10aa6788d
Revises: 9ff04afb706c
Create Date: 2026-11-30 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6c10aa6788d'
down_revision = '9ff04afb706c'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
