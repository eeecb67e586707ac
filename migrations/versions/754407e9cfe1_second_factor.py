"""TOTP, recovery codes and passkeys

Revision ID: 754407e9cfe1
Revises: 925c28f9dec3
Create Date: 2026-11-30 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '754407e9cfe1'
down_revision = '925c28f9dec3'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
