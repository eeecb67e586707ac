"""Passkeys: sign-in settings per firm

Revision ID: 0863cbaf2453
Revises: 4d5a920cfb53
Create Date: 2026-11-30 11:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0863cbaf2453"
down_revision = "4d5a920cfb53"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
