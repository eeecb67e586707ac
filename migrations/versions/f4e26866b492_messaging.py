"""message threads, messages, requests and services

Revision ID: f4e26866b492
Revises: 9e80c84f095b
Create Date: 2026-11-30 07:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f4e26866b492'
down_revision = '9e80c84f095b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'message_threads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('created_by_kind', sa.String(length=16), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('assigned_staff_id', sa.Integer(), nullable=True),
        sa.Column('last_client_message_id', sa.Integer(), nullable=True),
        sa.Column('last_staff_message_id', sa.Integer(), nullable=True),
        sa.Column('last_message_at', sa.DateTime(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id', 'account_id'], ['client_accounts.tenant_id', 'client_accounts.id']),
        sa.ForeignKeyConstraint(['tenant_id', 'assigned_staff_id'], ['staff_members.tenant_id', 'staff_members.id']),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tenant_id', 'id'),
    )
    with op.batch_alter_table('message_threads', schema=None) as batch_op:
        batch_op.create_index('ix_message_threads_tenant_account_last', ['tenant_id', 'account_id', 'last_message_at'], unique=False)
        batch_op.create_index('ix_message_threads_tenant_last', ['tenant_id', 'last_message_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_threads_tenant_id'), ['tenant_id'], unique=False)

    op.create_table(
        'messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=False),
        sa.Column('author_kind', sa.String(length=16), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('author_name', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id', 'thread_id'], ['message_threads.tenant_id', 'message_threads.id']),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tenant_id', 'id'),
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_tenant_thread_id', ['tenant_id', 'thread_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_tenant_id'), ['tenant_id'], unique=False)

    op.create_table(
        'message_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id', 'message_id'], ['messages.tenant_id', 'messages.id']),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tenant_id', 'id'),
    )
    with op.batch_alter_table('message_attachments', schema=None) as batch_op:
        batch_op.create_index('ix_message_attachments_tenant_message', ['tenant_id', 'message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_attachments_tenant_id'), ['tenant_id'], unique=False)

    op.create_table(
        'message_reads',
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=False),
        sa.Column('reader_kind', sa.String(length=16), nullable=False),
        sa.Column('reader_id', sa.Integer(), nullable=False),
        sa.Column('last_read_message_id', sa.Integer(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id', 'thread_id'], ['message_threads.tenant_id', 'message_threads.id']),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id']),
        sa.PrimaryKeyConstraint('tenant_id', 'thread_id', 'reader_kind', 'reader_id'),
    )
    op.create_table(
        'request_types',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('archived_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tenant_id', 'id'),
        sa.UniqueConstraint('tenant_id', 'name'),
    )
    with op.batch_alter_table('request_types', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_types_tenant_id'), ['tenant_id'], unique=False)

    op.create_table(
        'firm_services',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=150), nullable=False),
        sa.Column('description', sa.String(length=500), nullable=False),
        sa.Column('archived_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tenant_id', 'id'),
    )
    with op.batch_alter_table('firm_services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firm_services_tenant_id'), ['tenant_id'], unique=False)

    op.create_table(
        'client_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=False),
        sa.Column('type_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=True),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('details', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_by_contact_id', sa.Integer(), nullable=True),
        sa.Column('status_changed_at', sa.DateTime(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id', 'account_id'], ['client_accounts.tenant_id', 'client_accounts.id']),
        sa.ForeignKeyConstraint(['tenant_id', 'service_id'], ['firm_services.tenant_id', 'firm_services.id']),
        sa.ForeignKeyConstraint(['tenant_id', 'thread_id'], ['message_threads.tenant_id', 'message_threads.id']),
        sa.ForeignKeyConstraint(['tenant_id', 'type_id'], ['request_types.tenant_id', 'request_types.id']),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tenant_id', 'id'),
        sa.UniqueConstraint('tenant_id', 'thread_id'),
    )
    with op.batch_alter_table('client_requests', schema=None) as batch_op:
        batch_op.create_index('ix_client_requests_tenant_account', ['tenant_id', 'account_id', 'created_at'], unique=False)
        batch_op.create_index('ix_client_requests_tenant_status', ['tenant_id', 'status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_client_requests_tenant_id'), ['tenant_id'], unique=False)


def downgrade():
    for table in (
        'client_requests',
        'firm_services',
        'request_types',
        'message_reads',
        'message_attachments',
        'messages',
        'message_threads',
    ):
        op.drop_table(table)
