"""notifications, preferences and push subscriptions

Revision ID: 9e80c84f095b
Revises: 51596cbe0acf
Create Date: 2026-11-30 07:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9e80c84f095b'
down_revision = '51596cbe0acf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient_kind', sa.String(length=16), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body', sa.String(length=500), nullable=False),
        sa.Column('path', sa.String(length=500), nullable=False),
        sa.Column('group_key', sa.String(length=100), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.Column('emailed_at', sa.DateTime(), nullable=True),
        sa.Column('email_note', sa.String(length=60), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['tenant_id', 'account_id'],
            ['client_accounts.tenant_id', 'client_accounts.id'],
            name=op.f('fk_notifications_tenant_id_account_id_client_accounts'),
        ),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_notifications_tenant_id_tenants')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
        sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_notifications_tenant_id_id')),
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_recipient', ['tenant_id', 'recipient_kind', 'recipient_id', 'id'], unique=False)
        batch_op.create_index('ix_notifications_group', ['tenant_id', 'recipient_kind', 'recipient_id', 'group_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_tenant_id'), ['tenant_id'], unique=False)

    op.create_table(
        'notification_preferences',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient_kind', sa.String(length=16), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('mode', sa.String(length=16), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_notification_preferences_tenant_id_tenants')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
        sa.UniqueConstraint('tenant_id', 'recipient_kind', 'recipient_id', 'kind', name='uq_notification_preferences_person_kind'),
        sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_notification_preferences_tenant_id_id')),
    )
    with op.batch_alter_table('notification_preferences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_preferences_tenant_id'), ['tenant_id'], unique=False)

    op.create_table(
        'push_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient_kind', sa.String(length=16), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('endpoint', sa.String(length=1000), nullable=False),
        sa.Column('p256dh', sa.String(length=200), nullable=False),
        sa.Column('auth', sa.String(length=100), nullable=False),
        sa.Column('origin', sa.String(length=300), nullable=False),
        sa.Column('user_agent', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_sent_at', sa.DateTime(), nullable=True),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_push_subscriptions_tenant_id_tenants')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscriptions')),
        sa.UniqueConstraint('tenant_id', 'endpoint', name=op.f('uq_push_subscriptions_tenant_id_endpoint')),
        sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_push_subscriptions_tenant_id_id')),
    )
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.create_index('ix_push_subscriptions_recipient', ['tenant_id', 'recipient_kind', 'recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_subscriptions_tenant_id'), ['tenant_id'], unique=False)

    op.create_table(
        'vapid_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('private_key', sa.Text(), nullable=False),
        sa.Column('public_key', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_vapid_keys')),
        sa.UniqueConstraint('name', name=op.f('uq_vapid_keys_name')),
    )


def downgrade():
    op.drop_table('vapid_keys')
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_subscriptions_tenant_id'))
        batch_op.drop_index('ix_push_subscriptions_recipient')
    op.drop_table('push_subscriptions')
    with op.batch_alter_table('notification_preferences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_preferences_tenant_id'))
    op.drop_table('notification_preferences')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_tenant_id'))
        batch_op.drop_index('ix_notifications_group')
        batch_op.drop_index('ix_notifications_recipient')
    op.drop_table('notifications')
