"""document requests and no-login action links

Revision ID: d68e939a99f8
Revises: e2a2f590aa75
Create Date: 2026-11-30 07:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd68e939a99f8'
down_revision = 'e2a2f590aa75'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_before_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_due_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'account_id'], ['client_accounts.tenant_id', 'client_accounts.id'], name=op.f('fk_document_requests_tenant_id_account_id_client_accounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'requested_by_id'], ['staff_members.tenant_id', 'staff_members.id'], name=op.f('fk_document_requests_tenant_id_requested_by_id_staff_members')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_document_requests_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_requests')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_document_requests_tenant_id_id'))
    )
    with op.batch_alter_table('document_requests', schema=None) as batch_op:
        batch_op.create_index('ix_document_requests_tenant_account_status', ['tenant_id', 'account_id', 'status'], unique=False)
        batch_op.create_index('ix_document_requests_tenant_status_due', ['tenant_id', 'status', 'due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_requests_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('document_request_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=320), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'file_id'], ['client_files.tenant_id', 'client_files.id'], name=op.f('fk_document_request_uploads_tenant_id_file_id_client_files')),
    sa.ForeignKeyConstraint(['tenant_id', 'request_id'], ['document_requests.tenant_id', 'document_requests.id'], name=op.f('fk_document_request_uploads_tenant_id_request_id_document_requests')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_document_request_uploads_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_request_uploads')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_document_request_uploads_tenant_id_id'))
    )
    with op.batch_alter_table('document_request_uploads', schema=None) as batch_op:
        batch_op.create_index('ix_document_request_uploads_tenant_request', ['tenant_id', 'request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_request_uploads_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('action_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'file_id'], ['client_files.tenant_id', 'client_files.id'], name=op.f('fk_action_links_tenant_id_file_id_client_files')),
    sa.ForeignKeyConstraint(['tenant_id', 'request_id'], ['document_requests.tenant_id', 'document_requests.id'], name=op.f('fk_action_links_tenant_id_request_id_document_requests')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_action_links_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_links')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_action_links_tenant_id_id')),
    sa.UniqueConstraint('tenant_id', 'token_hash', name=op.f('uq_action_links_tenant_id_token_hash'))
    )
    with op.batch_alter_table('action_links', schema=None) as batch_op:
        batch_op.create_index('ix_action_links_tenant_file', ['tenant_id', 'file_id'], unique=False)
        batch_op.create_index('ix_action_links_tenant_request', ['tenant_id', 'request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_links_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_reminder_days', sa.Integer(), nullable=False, server_default='3'))
        batch_op.add_column(sa.Column('action_links_enabled', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('action_link_days', sa.Integer(), nullable=False, server_default='7'))


def downgrade():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('action_link_days')
        batch_op.drop_column('action_links_enabled')
        batch_op.drop_column('document_reminder_days')

    with op.batch_alter_table('action_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_links_tenant_id'))
        batch_op.drop_index('ix_action_links_tenant_request')
        batch_op.drop_index('ix_action_links_tenant_file')
    op.drop_table('action_links')

    with op.batch_alter_table('document_request_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_request_uploads_tenant_id'))
        batch_op.drop_index('ix_document_request_uploads_tenant_request')
    op.drop_table('document_request_uploads')

    with op.batch_alter_table('document_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_requests_tenant_id'))
        batch_op.drop_index('ix_document_requests_tenant_status_due')
        batch_op.drop_index('ix_document_requests_tenant_account_status')
    op.drop_table('document_requests')
