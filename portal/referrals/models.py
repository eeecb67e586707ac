"""The referral programme's rows: the firm's settings, each referrer's code, the clicks on it,
the clients it brought (attributions), the commissions they earned and the payouts made.

A referrer is one contact acting for one account (`ReferralCode`): its earnings belong to that
pair, like everything else a client sees in the portal. Money is in minor units of the firm's
currency; a reversal (a refund) is a negative commission.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import utcnow
from portal.core.extensions import Model
from tenants.scoping import TenantOwned


class Audience(enum.StrEnum):
    ALL = "all"  # every client with portal access
    TAGS = "tags"  # clients of accounts carrying one of the chosen tags


class CommissionKind(enum.StrEnum):
    SIGNUP = "signup"  # a fixed amount for a verified sign-up
    INVOICE = "invoice"  # a percentage of a payment on the referred client's invoice
    REVERSAL = "reversal"  # negative: a refund took back part of a paid invoice


class CommissionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REVERSED = "reversed"  # refunded before it was approved


class ReferralSettings(TenantOwned, Model):
    """The firm's programme (Settings › Referrals); no row means the programme is off."""

    __tablename__ = "referral_settings"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    audience: Mapped[str] = mapped_column(String(8), default=Audience.ALL)
    tags: Mapped[str] = mapped_column(String(500), default="")  # comma-separated, lowercased
    cookie_days: Mapped[int] = mapped_column(default=30)
    percent_bps: Mapped[int] = mapped_column(default=0)  # 1000 = 10 % of each paid amount
    signup_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    terms: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReferralCode(TenantOwned, Model):
    """One referrer: a contact of an account, and the random code of its link."""

    __tablename__ = "referral_codes"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "code"),
        UniqueConstraint("tenant_id", "account_id", "contact_id"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int]
    contact_id: Mapped[int]
    code: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReferralClick(TenantOwned, Model):
    """A visit through a link, once per visitor per day; the visitor is a salted hash of the
    address and browser, never the address itself."""

    __tablename__ = "referral_clicks"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "code_id", "day", "visitor"),
        ForeignKeyConstraint(
            ["tenant_id", "code_id"], ["referral_codes.tenant_id", "referral_codes.id"]
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int]
    day: Mapped[date]
    visitor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Referral(TenantOwned, Model):
    """A client the code brought: the account that signed up through the link (first touch)."""

    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "referred_account_id"),
        UniqueConstraint("tenant_id", "referred_contact_id"),
        ForeignKeyConstraint(
            ["tenant_id", "code_id"], ["referral_codes.tenant_id", "referral_codes.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "referred_account_id"],
            ["client_accounts.tenant_id", "client_accounts.id"],
        ),
        ForeignKeyConstraint(
            ["tenant_id", "referred_contact_id"], ["contacts.tenant_id", "contacts.id"]
        ),
        Index("ix_referrals_tenant_code", "tenant_id", "code_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int]
    referred_account_id: Mapped[int]
    referred_contact_id: Mapped[int]
    clicked_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Commission(TenantOwned, Model):
    """What a referral earned (or, negative, gave back); staff approve or reject it."""

    __tablename__ = "referral_commissions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "code_id"], ["referral_codes.tenant_id", "referral_codes.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "referral_id"], ["referrals.tenant_id", "referrals.id"]),
        ForeignKeyConstraint(["tenant_id", "invoice_id"], ["invoices.tenant_id", "invoices.id"]),
        ForeignKeyConstraint(["tenant_id", "payment_id"], ["payments.tenant_id", "payments.id"]),
        Index("ix_referral_commissions_tenant_code", "tenant_id", "code_id", "status"),
        Index("ix_referral_commissions_tenant_status", "tenant_id", "status"),
        Index("ix_referral_commissions_tenant_invoice", "tenant_id", "invoice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int]
    referral_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=CommissionStatus.PENDING)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    invoice_id: Mapped[int | None]
    payment_id: Mapped[int | None]
    reason: Mapped[str] = mapped_column(String(500), default="")
    decided_by_staff_id: Mapped[int | None]
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Payout(TenantOwned, Model):
    """Money the firm paid a referrer out of its approved balance."""

    __tablename__ = "referral_payouts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "code_id"], ["referral_codes.tenant_id", "referral_codes.id"]
        ),
        Index("ix_referral_payouts_tenant_code", "tenant_id", "code_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int]
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    paid_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_staff_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
