"""Community groups: members, posts, comments, reactions, reports

Revision ID: 22d91fb11ed7
Revises: 2a2a4ac216e8
Create Date: 2026-11-30 11:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "22d91fb11ed7"
down_revision = "2a2a4ac216e8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('community_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('last_post_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_community_groups_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_groups')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_community_groups_tenant_id_id')),
    sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_community_groups_tenant_id_name'))
    )
    with op.batch_alter_table('community_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_groups_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('community_group_accounts',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'account_id'], ['client_accounts.tenant_id', 'client_accounts.id'], name=op.f('fk_community_group_accounts_tenant_id_account_id_client_accounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'group_id'], ['community_groups.tenant_id', 'community_groups.id'], name=op.f('fk_community_group_accounts_tenant_id_group_id_community_groups')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_community_group_accounts_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('tenant_id', 'group_id', 'account_id', name=op.f('pk_community_group_accounts'))
    )
    with op.batch_alter_table('community_group_accounts', schema=None) as batch_op:
        batch_op.create_index('ix_community_group_accounts_tenant_account', ['tenant_id', 'account_id'], unique=False)

    op.create_table('community_group_tags',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'group_id'], ['community_groups.tenant_id', 'community_groups.id'], name=op.f('fk_community_group_tags_tenant_id_group_id_community_groups')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_community_group_tags_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('tenant_id', 'group_id', 'tag', name=op.f('pk_community_group_tags'))
    )
    with op.batch_alter_table('community_group_tags', schema=None) as batch_op:
        batch_op.create_index('ix_community_group_tags_tenant_tag', ['tenant_id', 'tag'], unique=False)

    op.create_table('community_members',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('muted_until', sa.DateTime(), nullable=True),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'contact_id'], ['contacts.tenant_id', 'contacts.id'], name=op.f('fk_community_members_tenant_id_contact_id_contacts')),
    sa.ForeignKeyConstraint(['tenant_id', 'group_id'], ['community_groups.tenant_id', 'community_groups.id'], name=op.f('fk_community_members_tenant_id_group_id_community_groups')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_community_members_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('tenant_id', 'group_id', 'contact_id', name=op.f('pk_community_members'))
    )
    with op.batch_alter_table('community_members', schema=None) as batch_op:
        batch_op.create_index('ix_community_members_tenant_contact', ['tenant_id', 'contact_id'], unique=False)

    op.create_table('community_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('author_kind', sa.String(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_format', sa.String(length=16), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('comment_count', sa.Integer(), nullable=False),
    sa.Column('hidden_at', sa.DateTime(), nullable=True),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.Column('edited_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'group_id'], ['community_groups.tenant_id', 'community_groups.id'], name=op.f('fk_community_posts_tenant_id_group_id_community_groups')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_community_posts_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_posts')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_community_posts_tenant_id_id'))
    )
    with op.batch_alter_table('community_posts', schema=None) as batch_op:
        batch_op.create_index('ix_community_posts_tenant_group_feed', ['tenant_id', 'group_id', 'pinned', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_posts_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('community_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('author_kind', sa.String(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('hidden_at', sa.DateTime(), nullable=True),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.Column('edited_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'post_id'], ['community_posts.tenant_id', 'community_posts.id'], name=op.f('fk_community_comments_tenant_id_post_id_community_posts')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_community_comments_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_comments')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_community_comments_tenant_id_id'))
    )
    with op.batch_alter_table('community_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_comments_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_community_comments_tenant_post', ['tenant_id', 'post_id', 'id'], unique=False)

    op.create_table('community_reactions',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('reactor_kind', sa.String(length=16), nullable=False),
    sa.Column('reactor_id', sa.Integer(), nullable=False),
    sa.Column('emoji', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'post_id'], ['community_posts.tenant_id', 'community_posts.id'], name=op.f('fk_community_reactions_tenant_id_post_id_community_posts')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_community_reactions_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('tenant_id', 'post_id', 'reactor_kind', 'reactor_id', 'emoji', name=op.f('pk_community_reactions'))
    )
    op.create_table('community_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('reporter_name', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('resolved_by_name', sa.String(length=200), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'comment_id'], ['community_comments.tenant_id', 'community_comments.id'], name=op.f('fk_community_reports_tenant_id_comment_id_community_comments')),
    sa.ForeignKeyConstraint(['tenant_id', 'post_id'], ['community_posts.tenant_id', 'community_posts.id'], name=op.f('fk_community_reports_tenant_id_post_id_community_posts')),
    sa.ForeignKeyConstraint(['tenant_id', 'reporter_id'], ['contacts.tenant_id', 'contacts.id'], name=op.f('fk_community_reports_tenant_id_reporter_id_contacts')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_community_reports_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_reports')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_community_reports_tenant_id_id'))
    )
    with op.batch_alter_table('community_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_reports_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_community_reports_tenant_status', ['tenant_id', 'status', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('community_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_community_reports_tenant_status')
        batch_op.drop_index(batch_op.f('ix_community_reports_tenant_id'))

    op.drop_table('community_reports')
    op.drop_table('community_reactions')
    with op.batch_alter_table('community_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_community_comments_tenant_post')
        batch_op.drop_index(batch_op.f('ix_community_comments_tenant_id'))

    op.drop_table('community_comments')
    with op.batch_alter_table('community_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_posts_tenant_id'))
        batch_op.drop_index('ix_community_posts_tenant_group_feed')

    op.drop_table('community_posts')
    with op.batch_alter_table('community_members', schema=None) as batch_op:
        batch_op.drop_index('ix_community_members_tenant_contact')

    op.drop_table('community_members')
    with op.batch_alter_table('community_group_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_community_group_tags_tenant_tag')

    op.drop_table('community_group_tags')
    with op.batch_alter_table('community_group_accounts', schema=None) as batch_op:
        batch_op.drop_index('ix_community_group_accounts_tenant_account')

    op.drop_table('community_group_accounts')
    with op.batch_alter_table('community_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_groups_tenant_id'))

    op.drop_table('community_groups')
