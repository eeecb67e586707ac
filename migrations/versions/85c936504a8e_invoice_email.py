"""invoice emails and mail attachments

Revision ID: 85c936504a8e
Revises: e6c10aa6788d
Create Date: 2026-11-30 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '85c936504a8e'
down_revision = 'e6c10aa6788d'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
