"""staff team roles and password resets

Revision ID: 3a0130756bd4
Revises: d68e939a99f8
Create Date: 2026-11-30 07:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3a0130756bd4'
down_revision = 'd68e939a99f8'
branch_labels = None
depends_on = None


def upgrade():
    # Role values stay as they were: "owner", "admin", and "member" (shown as "Staff").
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(), nullable=True))

    op.create_table('staff_password_resets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'staff_id'], ['staff_members.tenant_id', 'staff_members.id'], name=op.f('fk_staff_password_resets_tenant_id_staff_id_staff_members')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_staff_password_resets_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_password_resets')),
    sa.UniqueConstraint('tenant_id', 'token_hash', name=op.f('uq_staff_password_resets_tenant_id_token_hash'))
    )
    with op.batch_alter_table('staff_password_resets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_password_resets_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_password_resets_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_tenant_at', ['tenant_id', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_tenant_at')

    with op.batch_alter_table('staff_password_resets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_password_resets_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_staff_password_resets_staff_id'))

    op.drop_table('staff_password_resets')
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_column('removed_at')
