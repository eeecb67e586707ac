"""matters, invoices and invoice numbering

Revision ID: 9ff04afb706c
Revises: d7c823c41273
Create Date: 2026-11-30 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9ff04afb706c'
down_revision = 'd7c823c41273'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
