"""Indexes for the staff list pages at platform scale

Revision ID: 8116a1a908ab
Revises: 1f1b93b34dc0
Create Date: 2026-11-30 14:50:00

The clients list reads accounts in (tenant, lower(name), id) order and seeks with a keyset
cursor; the pending list in (tenant, lower(email), id) or by its latest invitation's sending
date. On PostgreSQL the text searches ("contains") use trigram GIN indexes (pg_trgm, with
btree_gin for the tenant id in front); SQLite scans, as before.
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "8116a1a908ab"
down_revision = "1f1b93b34dc0"
branch_labels = None
depends_on = None

TRIGRAM = (
    ("ix_client_accounts_tenant_name_trgm", "client_accounts", "name"),
    ("ix_contacts_tenant_email_trgm", "contacts", "email"),
    ("ix_contacts_tenant_name_trgm", "contacts", "name"),
)


def upgrade():
    op.create_index(
        "ix_client_accounts_tenant_lower_name",
        "client_accounts",
        ["tenant_id", sa.text("lower(name)"), "id"],
    )
    op.create_index(
        "ix_client_accounts_tenant_created", "client_accounts", ["tenant_id", "created_at", "id"]
    )
    op.create_index(
        "ix_contacts_tenant_lower_email", "contacts", ["tenant_id", sa.text("lower(email)"), "id"]
    )
    op.create_index(
        "ix_invitations_tenant_sent", "invitations", ["tenant_id", "last_sent_at", "contact_id"]
    )
    op.create_index("ix_contacts_tenant_last_login", "contacts", ["tenant_id", "last_login_at"])
    op.create_index("ix_invitations_tenant_accepted", "invitations", ["tenant_id", "accepted_at"])
    op.create_index(
        "ix_client_accounts_tenant_test",
        "client_accounts",
        ["tenant_id", "id"],
        sqlite_where=sa.text("is_test = 1"),
        postgresql_where=sa.text("is_test IS true"),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    # In the public schema, which no test or benchmark schema drop takes with it; the operator
    # classes are then named with their schema, whatever the connection's search_path.
    # CREATE EXTENSION IF NOT EXISTS is not safe against itself: two processes migrating at
    # once (parallel test workers on a fresh database) both insert it and one fails. A lock held
    # until this transaction ends makes them take turns.
    op.execute("SELECT pg_advisory_xact_lock(81161908)")
    for extension in ("pg_trgm", "btree_gin"):
        op.execute(f"CREATE EXTENSION IF NOT EXISTS {extension} SCHEMA public")
    schema = op.get_bind().scalar(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = 'pg_trgm'"
        )
    )
    for name, table, column in TRIGRAM:
        op.execute(
            f'CREATE INDEX {name} ON {table} USING gin (tenant_id, lower({column}) "{schema}".gin_trgm_ops)'
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, table, _ in reversed(TRIGRAM):
            op.drop_index(name, table_name=table)
    op.drop_index("ix_client_accounts_tenant_test", table_name="client_accounts")
    op.drop_index("ix_invitations_tenant_accepted", table_name="invitations")
    op.drop_index("ix_contacts_tenant_last_login", table_name="contacts")
    op.drop_index("ix_invitations_tenant_sent", table_name="invitations")
    op.drop_index("ix_contacts_tenant_lower_email", table_name="contacts")
    op.drop_index("ix_client_accounts_tenant_created", table_name="client_accounts")
    op.drop_index("ix_client_accounts_tenant_lower_name", table_name="client_accounts")
