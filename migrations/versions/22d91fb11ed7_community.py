"""Community groups: members, posts, comments, reactions, reports

Revision ID: 22d91fb11ed7
Revises: 2a2a4ac216e8
Create Date: 2026-11-30 11:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "22d91fb11ed7"
down_revision = "2a2a4ac216e8"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
