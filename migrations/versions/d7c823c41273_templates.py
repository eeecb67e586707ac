"""per-firm email templates and client-invited contacts

Revision ID: d7c823c41273
Revises: df510d169483
Create Date: 2026-11-30 07:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7c823c41273'
down_revision = 'df510d169483'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('email_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_by_staff_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_email_templates_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_templates')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_email_templates_tenant_id_id')),
    sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_email_templates_tenant_id_key'))
    )
    with op.batch_alter_table('email_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_templates_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('teammate_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_contact_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('personal_message', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_staff_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'account_id'], ['client_accounts.tenant_id', 'client_accounts.id'], name=op.f('fk_teammate_requests_tenant_id_account_id_client_accounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'requested_by_contact_id'], ['contacts.tenant_id', 'contacts.id'], name=op.f('fk_teammate_requests_tenant_id_requested_by_contact_id_contacts')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_teammate_requests_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teammate_requests')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_teammate_requests_tenant_id_id'))
    )
    with op.batch_alter_table('teammate_requests', schema=None) as batch_op:
        batch_op.create_index('ix_teammate_requests_tenant_status', ['tenant_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_teammate_requests_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invited_by_contact_id', sa.Integer(), nullable=True))

    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clients_invite_teammates', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('teammate_approval', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('teammate_approval')
        batch_op.drop_column('clients_invite_teammates')

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('invited_by_contact_id')

    with op.batch_alter_table('teammate_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teammate_requests_tenant_id'))
        batch_op.drop_index('ix_teammate_requests_tenant_status')

    op.drop_table('teammate_requests')
    with op.batch_alter_table('email_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_templates_tenant_id'))

    op.drop_table('email_templates')
