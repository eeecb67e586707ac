"""Client profile: sessions per device, email changes, passwordless sign-in

Revision ID: 4d5a920cfb53
Revises: d8b00da1ec46
Create Date: 2026-11-30 11:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "4d5a920cfb53"
down_revision = "d8b00da1ec46"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
