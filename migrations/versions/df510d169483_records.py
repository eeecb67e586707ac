"""client records, tags, archive and imports

Revision ID: df510d169483
Revises: 3a0130756bd4
Create Date: 2026-11-30 07:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'df510d169483'
down_revision = '3a0130756bd4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('client_accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('is_test', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('address', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('reference_id', sa.String(length=64), nullable=False, server_default=''))

    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=False, server_default=''))

    op.create_table('account_tags',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'account_id'], ['client_accounts.tenant_id', 'client_accounts.id'], name=op.f('fk_account_tags_tenant_id_account_id_client_accounts')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_account_tags_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('tenant_id', 'account_id', 'tag', name=op.f('pk_account_tags'))
    )
    with op.batch_alter_table('account_tags', schema=None) as batch_op:
        batch_op.create_index('ix_account_tags_tenant_tag', ['tenant_id', 'tag'], unique=False)

    op.create_table('client_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('storage_key', sa.String(length=300), nullable=False),
    sa.Column('mapping', sa.Text(), nullable=False),
    sa.Column('valid_only', sa.Boolean(), nullable=False),
    sa.Column('update_existing', sa.Boolean(), nullable=False),
    sa.Column('invite', sa.Boolean(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('processed', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('report', sa.Text(), nullable=False),
    sa.Column('bulk_invite_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_client_imports_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_imports')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_client_imports_tenant_id_id'))
    )
    with op.batch_alter_table('client_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_imports_tenant_id'), ['tenant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('client_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_imports_tenant_id'))

    op.drop_table('client_imports')
    with op.batch_alter_table('account_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_account_tags_tenant_tag')

    op.drop_table('account_tags')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_column('phone')

    with op.batch_alter_table('client_accounts', schema=None) as batch_op:
        batch_op.drop_column('reference_id')
        batch_op.drop_column('address')
        batch_op.drop_column('phone')
        batch_op.drop_column('notes')
        batch_op.drop_column('is_test')
        batch_op.drop_column('archived_at')
