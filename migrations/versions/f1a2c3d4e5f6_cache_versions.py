"""cache versions: the shared counter per-process tenant caches follow without Redis

Revision ID: f1a2c3d4e5f6
Revises: e6a1d0c0ffee
Create Date: 2026-11-23 18:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1a2c3d4e5f6'
down_revision = 'e6a1d0c0ffee'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('cache_versions',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_cache_versions'))
    )
    op.bulk_insert(table, [{'name': 'tenants', 'version': 0}])


def downgrade():
    op.drop_table('cache_versions')
