"""invoice emails and mail attachments

Revision ID: 85c936504a8e
Revises: e6c10aa6788d
Create Date: 2026-11-30 08:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '85c936504a8e'
down_revision = 'e6c10aa6788d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("to_header", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("cc_header", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(
            sa.Column(
                "invoice_invite_separately",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
    op.create_table(
        "outbox_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=300), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_outbox_attachments_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "message_id"],
            ["outbox_messages.tenant_id", "outbox_messages.id"],
            name=op.f("fk_outbox_attachments_tenant_id_message_id_outbox_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_attachments")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_outbox_attachments_tenant_id_id")),
    )
    op.create_index("ix_outbox_attachments_message", "outbox_attachments", ["message_id"])
    op.create_index(
        op.f("ix_outbox_attachments_tenant_id"), "outbox_attachments", ["tenant_id"]
    )


def downgrade():
    op.drop_index(op.f("ix_outbox_attachments_tenant_id"), table_name="outbox_attachments")
    op.drop_index("ix_outbox_attachments_message", table_name="outbox_attachments")
    op.drop_table("outbox_attachments")
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("invoice_invite_separately")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("cc_header")
        batch.drop_column("to_header")
