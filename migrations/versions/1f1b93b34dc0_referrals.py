"""Referral programme: codes, clicks, attributions, commissions, payouts

Revision ID: 1f1b93b34dc0
Revises: 22d91fb11ed7
Create Date: 2026-11-30 11:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "1f1b93b34dc0"
down_revision = "22d91fb11ed7"
branch_labels = None
depends_on = None


def _code_fk():
    return sa.ForeignKeyConstraint(
        ["tenant_id", "code_id"], ["referral_codes.tenant_id", "referral_codes.id"]
    )


def upgrade():
    op.create_table(
        "referral_settings",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("audience", sa.String(length=8), nullable=False),
        sa.Column("tags", sa.String(length=500), nullable=False),
        sa.Column("cookie_days", sa.Integer(), nullable=False),
        sa.Column("percent_bps", sa.Integer(), nullable=False),
        sa.Column("signup_minor", sa.BigInteger(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("tenant_id"),
    )

    op.create_table(
        "referral_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        sa.ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "code"),
        sa.UniqueConstraint("tenant_id", "account_id", "contact_id"),
    )
    op.create_index("ix_referral_codes_tenant_id", "referral_codes", ["tenant_id"])

    op.create_table(
        "referral_clicks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("visitor", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        _code_fk(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "code_id", "day", "visitor"),
    )
    op.create_index("ix_referral_clicks_tenant_id", "referral_clicks", ["tenant_id"])

    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("referred_account_id", sa.Integer(), nullable=False),
        sa.Column("referred_contact_id", sa.Integer(), nullable=False),
        sa.Column("clicked_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        _code_fk(),
        sa.ForeignKeyConstraint(
            ["tenant_id", "referred_account_id"],
            ["client_accounts.tenant_id", "client_accounts.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "referred_contact_id"], ["contacts.tenant_id", "contacts.id"]
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "referred_account_id"),
        sa.UniqueConstraint("tenant_id", "referred_contact_id"),
    )
    op.create_index("ix_referrals_tenant_id", "referrals", ["tenant_id"])
    op.create_index("ix_referrals_tenant_code", "referrals", ["tenant_id", "code_id"])

    op.create_table(
        "referral_commissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("decided_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        _code_fk(),
        sa.ForeignKeyConstraint(["tenant_id", "referral_id"], ["referrals.tenant_id", "referrals.id"]),
        sa.ForeignKeyConstraint(["tenant_id", "invoice_id"], ["invoices.tenant_id", "invoices.id"]),
        sa.ForeignKeyConstraint(["tenant_id", "payment_id"], ["payments.tenant_id", "payments.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "id"),
    )
    op.create_index("ix_referral_commissions_tenant_id", "referral_commissions", ["tenant_id"])
    op.create_index(
        "ix_referral_commissions_tenant_code",
        "referral_commissions",
        ["tenant_id", "code_id", "status"],
    )
    op.create_index(
        "ix_referral_commissions_tenant_status", "referral_commissions", ["tenant_id", "status"]
    )
    op.create_index(
        "ix_referral_commissions_tenant_invoice", "referral_commissions", ["tenant_id", "invoice_id"]
    )

    op.create_table(
        "referral_payouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("recorded_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        _code_fk(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "id"),
    )
    op.create_index("ix_referral_payouts_tenant_id", "referral_payouts", ["tenant_id"])
    op.create_index("ix_referral_payouts_tenant_code", "referral_payouts", ["tenant_id", "code_id"])


def downgrade():
    for table in (
        "referral_payouts",
        "referral_commissions",
        "referrals",
        "referral_clicks",
        "referral_codes",
        "referral_settings",
    ):
        op.drop_table(table)
