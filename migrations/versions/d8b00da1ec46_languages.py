"""Languages: the firm's offered languages and each person's choice

Revision ID: d8b00da1ec46
Revises: 6f1c0c4d59ec
Create Date: 2026-11-30 11:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d8b00da1ec46"
down_revision = "6f1c0c4d59ec"
branch_labels = None
depends_on = None


def upgrade():
    # Existing firms keep English as their default and offer every translated language.
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(
            sa.Column("default_language", sa.String(length=10), server_default="en", nullable=False)
        )
        batch.add_column(
            sa.Column(
                "languages", sa.String(length=64), server_default="en,es,fr,de", nullable=False
            )
        )
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("language", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("languages")
        batch.drop_column("default_language")
