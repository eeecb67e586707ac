"""Languages: the firm's offered languages and each person's choice

Revision ID: d8b00da1ec46
Revises: 6f1c0c4d59ec
Create Date: 2026-11-30 11:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d8b00da1ec46"
down_revision = "6f1c0c4d59ec"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
