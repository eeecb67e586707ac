"""Matters, invoices, their lines and the per-tenant invoice number counter.

Money is stored as integers in minor units (cents, fils, yen) in the invoice's currency;
quantities and rates are `Numeric` so they come back as `Decimal`, never float. Totals are
computed by `portal.billing.money` and stored on the rows so lists never sum lines.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import utcnow
from portal.core.extensions import Model
from portal.core.i18n import N_
from tenants.scoping import TenantOwned


class MatterStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class InvoiceStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    VOID = "void"


# Marked for translation: client pages show them through gettext.
STATUS_LABELS = {
    InvoiceStatus.DRAFT: N_("Draft"),
    InvoiceStatus.SENT: N_("Sent"),
    InvoiceStatus.PARTIALLY_PAID: N_("Partially paid"),
    InvoiceStatus.PAID: N_("Paid"),
    InvoiceStatus.VOID: N_("Void"),
}


class Matter(TenantOwned, Model):
    """A law matter, engagement or project of one client account."""

    __tablename__ = "matters"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        Index("ix_matters_tenant_account", "tenant_id", "account_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    number: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(16), default=MatterStatus.OPEN)
    # Semicolon-separated addresses (portal.billing.addresses); overrides the account's.
    email: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Invoice(TenantOwned, Model):
    """An invoice. A draft has no number; sending takes the tenant's next one (gapless), and
    from then on the invoice is never deleted, only voided."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "sequence"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "matter_id"], ["matters.tenant_id", "matters.id"]),
        Index("ix_invoices_tenant_account_issue", "tenant_id", "account_id", "issue_date"),
        Index("ix_invoices_tenant_status_due", "tenant_id", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int]
    matter_id: Mapped[int | None]
    sequence: Mapped[int | None]  # None while a draft
    number: Mapped[str] = mapped_column(String(40), default="")  # "" while a draft
    status: Mapped[str] = mapped_column(String(16), default=InvoiceStatus.DRAFT)
    currency: Mapped[str] = mapped_column(String(3))
    issue_date: Mapped[date]
    due_date: Mapped[date]
    notes: Mapped[str] = mapped_column(Text, default="")
    subtotal_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    discount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    total_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    # Kept by portal.billing.invoices.apply_payment_total from the payments recorded.
    paid_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    pdf_key: Mapped[str] = mapped_column(String(200), default="")
    created_by_staff_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str] = mapped_column(String(300), default="")

    @property
    def outstanding_minor(self) -> int:
        if self.status in (InvoiceStatus.DRAFT, InvoiceStatus.VOID):
            return 0
        return max(self.total_minor - self.paid_minor, 0)

    @property
    def label(self) -> str:
        """The number, or for a draft (not numbered yet) "Draft <id>"."""
        return self.number or f"Draft {self.id}"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[InvoiceStatus(self.status)]

    def is_overdue(self, today: date) -> bool:
        return self.outstanding_minor > 0 and self.due_date < today


class InvoiceLine(TenantOwned, Model):
    """One line: amounts rounded per line (see portal.billing.money)."""

    __tablename__ = "invoice_lines"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "invoice_id"], ["invoices.tenant_id", "invoices.id"]),
        Index("ix_invoice_lines_tenant_invoice", "tenant_id", "invoice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    unit_price_minor: Mapped[int] = mapped_column(BigInteger)
    discount_percent: Mapped[Decimal] = mapped_column(Numeric(7, 4), default=Decimal(0))
    tax_percent: Mapped[Decimal] = mapped_column(Numeric(7, 4), default=Decimal(0))
    discount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    net_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    total_minor: Mapped[int] = mapped_column(BigInteger, default=0)


class InvoiceNumberSequence(TenantOwned, Model):
    """The next invoice number of a tenant, taken with a row lock in the invoice's transaction."""

    __tablename__ = "invoice_number_sequences"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    next_number: Mapped[int] = mapped_column(BigInteger, default=1)
    prefix: Mapped[str] = mapped_column(String(20), default="INV-")
