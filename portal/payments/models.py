"""Payments, how they are split over invoices, saved payment methods, provider events, the
firm's payment settings and the single-invoice "view and pay" links.

Money is an integer in minor units of the payment's currency; a refund is a negative payment.
`ProviderEvent` and `Payment.provider_ref` are unique per tenant, so a provider delivering the
same event twice (Stripe does, by design) can never record a payment twice.
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


class PaymentMethod(enum.StrEnum):
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    CHEQUE = "cheque"
    CASH = "cash"
    OTHER = "other"


METHOD_LABELS = {
    PaymentMethod.CARD: "Card",
    PaymentMethod.BANK_TRANSFER: "Bank transfer",
    PaymentMethod.CHEQUE: "Cheque",
    PaymentMethod.CASH: "Cash",
    PaymentMethod.OTHER: "Other",
}


class ProviderName(enum.StrEnum):
    MANUAL = "manual"
    STRIPE = "stripe"


class Payment(TenantOwned, Model):
    """Money received from (or, negative, refunded to) one client account."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        Index("ix_payments_tenant_account_date", "tenant_id", "account_id", "paid_on"),
        Index("ix_payments_tenant_date", "tenant_id", "paid_on"),
        # Partial in effect: both databases let several rows have a NULL provider_ref.
        UniqueConstraint("tenant_id", "provider_ref", name="uq_payments_tenant_provider_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int]
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # negative: a refund
    currency: Mapped[str] = mapped_column(String(3))
    paid_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(200), default="")
    provider: Mapped[str] = mapped_column(String(16), default=ProviderName.MANUAL)
    provider_ref: Mapped[str | None] = mapped_column(String(200))
    recorded_by_staff_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def method_label(self) -> str:
        return METHOD_LABELS.get(PaymentMethod(self.method), self.method)


class PaymentAllocation(TenantOwned, Model):
    """The part of a payment applied to one invoice (negative for a refund)."""

    __tablename__ = "payment_allocations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "payment_id"], ["payments.tenant_id", "payments.id"]),
        ForeignKeyConstraint(["tenant_id", "invoice_id"], ["invoices.tenant_id", "invoices.id"]),
        Index("ix_payment_allocations_tenant_payment", "tenant_id", "payment_id"),
        Index("ix_payment_allocations_tenant_invoice", "tenant_id", "invoice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int]
    invoice_id: Mapped[int]
    amount_minor: Mapped[int] = mapped_column(BigInteger)


class SavedPaymentMethod(TenantOwned, Model):
    """A card kept at the provider: ids, brand, last four and expiry; never the card number."""

    __tablename__ = "saved_payment_methods"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "provider_method_id"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        Index("ix_saved_payment_methods_tenant_account", "tenant_id", "account_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int]
    provider: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[str] = mapped_column(String(200))
    provider_method_id: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(40), default="")
    last4: Mapped[str] = mapped_column(String(4), default="")
    exp_month: Mapped[int] = mapped_column(default=0)
    exp_year: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProviderEvent(TenantOwned, Model):
    """A provider event already handled: the unique id makes a redelivery a no-op."""

    __tablename__ = "payment_provider_events"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "provider", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentSettings(TenantOwned, Model):
    """The firm's payment provider; Stripe secrets encrypted at rest (portal.payments.secrets)."""

    __tablename__ = "payment_settings"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    provider: Mapped[str] = mapped_column(String(16), default=ProviderName.MANUAL)
    instructions: Mapped[str] = mapped_column(Text, default="")
    stripe_publishable_key: Mapped[str] = mapped_column(String(200), default="")
    stripe_secret_key_enc: Mapped[str] = mapped_column(Text, default="")
    stripe_webhook_secret_enc: Mapped[str] = mapped_column(Text, default="")
    pay_without_sign_in: Mapped[bool] = mapped_column(default=True)


class PayLink(TenantOwned, Model):
    """A no-login "view and pay" link to one invoice for one address; only its SHA-256 kept."""

    __tablename__ = "pay_links"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "token_hash"),
        ForeignKeyConstraint(["tenant_id", "invoice_id"], ["invoices.tenant_id", "invoices.id"]),
        Index("ix_pay_links_tenant_invoice", "tenant_id", "invoice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int]
    email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
