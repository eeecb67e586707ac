"""API tokens, idempotency keys and outgoing webhooks

Revision ID: 6f1c0c4d59ec
Revises: 754407e9cfe1
Create Date: 2026-11-30 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6f1c0c4d59ec'
down_revision = '754407e9cfe1'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
