"""Request and response models of the firm resources added after clients and messaging:
sign-ups, domains, the email domain, modules, branding, files and invoices."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from portal.api.schemas import Stamp, Strict

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
HexColour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]


class Signup(BaseModel):
    id: int
    email: str
    name: str
    status: Literal["pending", "verified"]
    created_at: Stamp
    verified_at: Stamp | None


class SignupList(BaseModel):
    data: list[Signup]
    next_cursor: str | None


class DnsRecord(BaseModel):
    type: str
    name: str
    value: str
    purpose: str


class Domain(BaseModel):
    id: int
    host: str
    status: str
    verified_at: Stamp | None
    last_checked_at: Stamp | None
    check_error: str | None
    records: list[DnsRecord]


class DomainList(BaseModel):
    data: list[Domain]


class DomainCreate(Strict):
    host: str = Field(min_length=1, max_length=253)


class CheckQueued(BaseModel):
    queued: bool
    retry_after: int


class MailDomain(BaseModel):
    domain: str
    local_part: str
    display_name: str
    reply_to: str | None
    status: str
    record_status: dict[str, str]
    verified_at: Stamp | None
    last_checked_at: Stamp | None
    records: list[DnsRecord]


class MailDomainSet(Strict):
    domain: str = Field(min_length=1, max_length=253)
    local_part: str = Field(min_length=1, max_length=64)
    display_name: str = Field(min_length=1, max_length=120)
    reply_to: str = Field(default="", max_length=320)


class Module(BaseModel):
    key: str
    title: str
    default_title: str
    icon: str
    enabled: bool
    position: int


class ModuleList(BaseModel):
    data: list[Module]


class ModuleUpdate(Strict):
    enabled: bool | None = None
    title: str | None = Field(default=None, max_length=40)
    icon: str | None = Field(default=None, max_length=40)


class ModuleOrder(Strict):
    keys: list[Annotated[str, Field(max_length=40)]] = Field(min_length=1, max_length=50)


class Branding(BaseModel):
    theme: str
    brand_color: str
    accent_color: str
    portal_name: str
    support_email: str
    logo_url: str


class BrandingUpdate(Strict):
    theme: str | None = Field(default=None, max_length=40)
    brand_color: HexColour | None = None
    accent_color: HexColour | None = None
    portal_name: str | None = Field(default=None, max_length=120)
    support_email: str | None = Field(default=None, max_length=320)


class File(BaseModel):
    id: int
    account_id: int
    folder_id: int | None
    name: str
    size: int
    content_type: str
    internal: bool
    uploaded_by_name: str
    created_at: Stamp


class FileList(BaseModel):
    data: list[File]
    next_cursor: str | None


class InvoiceLine(BaseModel):
    description: str
    quantity: str
    unit_price_minor: int
    discount_percent: str
    tax_percent: str
    total_minor: int


class Invoice(BaseModel):
    id: int
    account_id: int
    number: str
    status: str
    currency: str
    issue_date: date
    due_date: date
    notes: str
    subtotal_minor: int
    discount_minor: int
    tax_minor: int
    total_minor: int
    paid_minor: int
    sent_at: Stamp | None
    lines: list[InvoiceLine] | None = None


class InvoiceList(BaseModel):
    data: list[Invoice]
    next_cursor: str | None


class InvoiceLineCreate(Strict):
    description: str = Field(min_length=1, max_length=500)
    quantity: Annotated[str, Field(pattern=r"^\d{1,9}(\.\d{1,4})?$")] = "1"
    unit_price_minor: int = Field(ge=0, le=10**12)
    discount_percent: Annotated[str, Field(pattern=r"^\d{1,3}(\.\d{1,4})?$")] = "0"
    tax_percent: Annotated[str, Field(pattern=r"^\d{1,3}(\.\d{1,4})?$")] = "0"


class InvoiceCreate(Strict):
    account_id: Id
    issue_date: date
    due_date: date
    lines: list[InvoiceLineCreate] = Field(min_length=1, max_length=200)
    notes: str = Field(default="", max_length=5000)


class PaymentCreate(Strict):
    amount_minor: int = Field(ge=1, le=10**12)
    paid_on: date
    method: Literal["card", "bank_transfer", "cheque", "cash", "other"]
    reference: str = Field(default="", max_length=200)
