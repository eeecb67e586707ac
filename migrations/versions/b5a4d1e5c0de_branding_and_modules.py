"""branding columns on tenants, tenant module settings and link entries

Revision ID: b5a4d1e5c0de
Revises: d5b0a1d0beef
Create Date: 2026-11-23 16:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5a4d1e5c0de'
down_revision = 'd5b0a1d0beef'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('brand_color', sa.String(length=7), nullable=False, server_default='#1f4e79'))
        batch_op.add_column(sa.Column('accent_color', sa.String(length=7), nullable=False, server_default='#e8eef5'))
        batch_op.add_column(sa.Column('portal_name', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('support_email', sa.String(length=320), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('logo_key', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('login_image_key', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('favicon_key', sa.String(length=200), nullable=False, server_default=''))

    op.create_table('tenant_modules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('icon', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_tenant_modules_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant_modules')),
    sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_tenant_modules_tenant_id_key'))
    )
    with op.batch_alter_table('tenant_modules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenant_modules_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('module_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('mode', sa.String(length=8), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_module_links_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_links')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_module_links_tenant_id_id'))
    )
    with op.batch_alter_table('module_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_links_tenant_id'), ['tenant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('module_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_links_tenant_id'))
    op.drop_table('module_links')

    with op.batch_alter_table('tenant_modules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenant_modules_tenant_id'))
    op.drop_table('tenant_modules')

    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('favicon_key')
        batch_op.drop_column('login_image_key')
        batch_op.drop_column('logo_key')
        batch_op.drop_column('support_email')
        batch_op.drop_column('portal_name')
        batch_op.drop_column('accent_color')
        batch_op.drop_column('brand_color')
