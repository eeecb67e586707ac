"""Referral programme: codes, clicks, attributions, commissions, payouts

Revision ID: 1f1b93b34dc0
Revises: 22d91fb11ed7
Create Date: 2026-11-30 11:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "1f1b93b34dc0"
down_revision = "22d91fb11ed7"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
