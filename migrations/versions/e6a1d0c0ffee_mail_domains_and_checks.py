"""custom email sending domains and their check history

Revision ID: e6a1d0c0ffee
Revises: b5a4d1e5c0de
Create Date: 2026-11-23 16:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6a1d0c0ffee'
down_revision = 'b5a4d1e5c0de'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_domains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('local_part', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('reply_to', sa.String(length=320), nullable=True),
    sa.Column('selector', sa.String(length=63), nullable=False),
    sa.Column('private_key_encrypted', sa.Text(), nullable=False),
    sa.Column('public_key', sa.Text(), nullable=False),
    sa.Column('ownership_token', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('ownership_status', sa.String(length=16), nullable=False),
    sa.Column('ownership_reason', sa.String(length=500), nullable=False),
    sa.Column('dkim_status', sa.String(length=16), nullable=False),
    sa.Column('dkim_reason', sa.String(length=500), nullable=False),
    sa.Column('spf_status', sa.String(length=16), nullable=False),
    sa.Column('spf_reason', sa.String(length=500), nullable=False),
    sa.Column('dmarc_status', sa.String(length=16), nullable=False),
    sa.Column('dmarc_reason', sa.String(length=500), nullable=False),
    sa.Column('return_path_status', sa.String(length=16), nullable=False),
    sa.Column('return_path_reason', sa.String(length=500), nullable=False),
    sa.Column('existing_spf', sa.String(length=2000), nullable=False),
    sa.Column('existing_dmarc', sa.String(length=2000), nullable=False),
    sa.Column('pending_checks', sa.Integer(), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('last_checked_at', sa.DateTime(), nullable=True),
    sa.Column('next_check_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_mail_domains_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_domains')),
    sa.UniqueConstraint('tenant_id', 'domain', name=op.f('uq_mail_domains_tenant_id_domain')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_mail_domains_tenant_id_id'))
    )
    with op.batch_alter_table('mail_domains', schema=None) as batch_op:
        batch_op.create_index('ix_mail_domains_domain_status', ['domain', 'status'], unique=False)
        batch_op.create_index('ix_mail_domains_status_next_check_at', ['status', 'next_check_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_domains_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('mail_domain_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('mail_domain_id', sa.Integer(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('summary', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'mail_domain_id'], ['mail_domains.tenant_id', 'mail_domains.id'], name=op.f('fk_mail_domain_checks_tenant_id_mail_domain_id_mail_domains'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_mail_domain_checks_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_domain_checks'))
    )
    with op.batch_alter_table('mail_domain_checks', schema=None) as batch_op:
        batch_op.create_index('ix_mail_domain_checks_domain_checked_at', ['tenant_id', 'mail_domain_id', 'checked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_domain_checks_tenant_id'), ['tenant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mail_domain_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_domain_checks_tenant_id'))
        batch_op.drop_index('ix_mail_domain_checks_domain_checked_at')

    op.drop_table('mail_domain_checks')
    with op.batch_alter_table('mail_domains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_domains_tenant_id'))
        batch_op.drop_index('ix_mail_domains_status_next_check_at')
        batch_op.drop_index('ix_mail_domains_domain_status')

    op.drop_table('mail_domains')
