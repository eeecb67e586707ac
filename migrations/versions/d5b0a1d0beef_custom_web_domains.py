"""custom web domains: DNS check state, one verified owner per host, session hand-over

Revision ID: d5b0a1d0beef
Revises: da3cba1fc533
Create Date: 2026-11-23 16:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5b0a1d0beef'
down_revision = 'da3cba1fc533'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('domains', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_error', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('last_checked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('next_check_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('check_requested_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('checks_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('failed_checks', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index(
            'ix_domains_verified_host', ['host'], unique=True,
            sqlite_where=sa.text("status = 'verified'"),
            postgresql_where=sa.text("status = 'verified'"),
        )

    op.create_table('host_handovers',
    sa.Column('token_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('token_id', name=op.f('pk_host_handovers'))
    )
    with op.batch_alter_table('host_handovers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_host_handovers_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('host_handovers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_host_handovers_created_at'))

    op.drop_table('host_handovers')
    with op.batch_alter_table('domains', schema=None) as batch_op:
        batch_op.drop_index('ix_domains_verified_host')
        batch_op.drop_column('failed_checks')
        batch_op.drop_column('checks_until')
        batch_op.drop_column('check_requested_at')
        batch_op.drop_column('next_check_at')
        batch_op.drop_column('last_checked_at')
        batch_op.drop_column('check_error')
