"""per-firm email templates and client-invited contacts

Revision ID: d7c823c41273
Revises: df510d169483
Create Date: 2026-11-30 07:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7c823c41273'
down_revision = 'df510d169483'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
