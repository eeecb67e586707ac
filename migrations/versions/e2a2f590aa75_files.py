"""client files, folders and trash

Revision ID: e2a2f590aa75
Revises: f4e26866b492
Create Date: 2026-11-30 07:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2a2f590aa75'
down_revision = 'f4e26866b492'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'folders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('internal', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id', 'account_id'], ['client_accounts.tenant_id', 'client_accounts.id'], name=op.f('fk_folders_tenant_id_account_id_client_accounts')),
        sa.ForeignKeyConstraint(['tenant_id', 'parent_id'], ['folders.tenant_id', 'folders.id'], name=op.f('fk_folders_tenant_id_parent_id_folders')),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_folders_tenant_id_tenants')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_folders')),
        sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_folders_tenant_id_id')),
    )
    with op.batch_alter_table('folders', schema=None) as batch_op:
        batch_op.create_index('ix_folders_tenant_account_parent', ['tenant_id', 'account_id', 'parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_folders_tenant_id'), ['tenant_id'], unique=False)

    op.create_table(
        'client_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('folder_id', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('content_type', sa.String(length=120), nullable=False),
        sa.Column('storage_key', sa.String(length=200), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('internal', sa.Boolean(), nullable=False),
        sa.Column('uploaded_by_kind', sa.String(length=16), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_by_name', sa.String(length=320), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('deleted_at', sa.DateTime(), nullable=True),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id', 'account_id'], ['client_accounts.tenant_id', 'client_accounts.id'], name=op.f('fk_client_files_tenant_id_account_id_client_accounts')),
        sa.ForeignKeyConstraint(['tenant_id', 'folder_id'], ['folders.tenant_id', 'folders.id'], name=op.f('fk_client_files_tenant_id_folder_id_folders')),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_client_files_tenant_id_tenants')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_client_files')),
        sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_client_files_tenant_id_id')),
    )
    with op.batch_alter_table('client_files', schema=None) as batch_op:
        batch_op.create_index('ix_client_files_tenant_account_folder', ['tenant_id', 'account_id', 'folder_id'], unique=False)
        batch_op.create_index('ix_client_files_tenant_deleted', ['tenant_id', 'deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_client_files_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_upload_mb', sa.Integer(), nullable=False, server_default='50'))


def downgrade():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('max_upload_mb')
    with op.batch_alter_table('client_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_files_tenant_id'))
        batch_op.drop_index('ix_client_files_tenant_deleted')
        batch_op.drop_index('ix_client_files_tenant_account_folder')
    op.drop_table('client_files')
    with op.batch_alter_table('folders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_folders_tenant_id'))
        batch_op.drop_index('ix_folders_tenant_account_parent')
    op.drop_table('folders')
