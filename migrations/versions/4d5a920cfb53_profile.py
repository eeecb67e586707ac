"""Client profile: sessions per device, email changes, passwordless sign-in

Revision ID: 4d5a920cfb53
Revises: d8b00da1ec46
Create Date: 2026-11-30 11:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4d5a920cfb53"
down_revision = "d8b00da1ec46"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("principal_kind", sa.String(length=16), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("device", sa.String(length=80), nullable=False),
        sa.Column("ip_prefix", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    op.create_index("ix_sign_in_sessions_tenant_id", "sign_in_sessions", ["tenant_id"])
    op.create_index(
        "ix_sign_in_sessions_principal",
        "sign_in_sessions",
        ["tenant_id", "principal_kind", "principal_id"],
    )
    op.create_table(
        "email_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("new_email", sa.String(length=320), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "token_hash"),
    )
    op.create_index("ix_email_changes_tenant_id", "email_changes", ["tenant_id"])
    op.create_index("ix_email_changes_tenant_contact", "email_changes", ["tenant_id", "contact_id"])
    op.create_table(
        "sign_in_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("code_hash", sa.String(length=200), nullable=False),
        sa.Column("link_hash", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("invalidated_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "link_hash"),
    )
    op.create_index("ix_sign_in_codes_tenant_id", "sign_in_codes", ["tenant_id"])
    op.create_index("ix_sign_in_codes_tenant_email", "sign_in_codes", ["tenant_id", "email"])
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(
            sa.Column(
                "client_sign_in", sa.String(length=20), server_default="password", nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("client_sign_in")
    op.drop_table("sign_in_codes")
    op.drop_table("email_changes")
    op.drop_table("sign_in_sessions")
