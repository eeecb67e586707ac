"""notifications, preferences and push subscriptions

Revision ID: 9e80c84f095b
Revises: 51596cbe0acf
Create Date: 2026-11-30 07:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9e80c84f095b'
down_revision = '51596cbe0acf'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
