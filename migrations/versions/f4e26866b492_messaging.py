"""message threads, messages, requests and services

Revision ID: f4e26866b492
Revises: 9e80c84f095b
Create Date: 2026-11-30 07:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f4e26866b492'
down_revision = '9e80c84f095b'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
