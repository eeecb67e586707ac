"""Indexes for module list pages at platform scale

Revision ID: fe21a8945c6e
Revises: 8116a1a908ab
Create Date: 2026-11-30 14:50:00

A community group's member list (staff moderation page) reads the group's members newest
first, a page at a time; a group open to every client of a large firm has them all.
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "fe21a8945c6e"
down_revision = "8116a1a908ab"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_community_members_tenant_group_joined",
        "community_members",
        ["tenant_id", "group_id", "joined_at"],
    )


def downgrade():
    op.drop_index("ix_community_members_tenant_group_joined", table_name="community_members")
