"""A tenant's sending domain and the history of its DNS checks."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKeyConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import utcnow
from portal.core.extensions import Model
from tenants.check_plans import PlannedChecks
from tenants.scoping import TenantOwned


class MailDomainStatus(enum.StrEnum):
    PENDING = "pending"  # records not (all) in place yet: mail goes out from the platform
    VERIFIED = "verified"  # every record OK: mail goes out from the firm's address
    FAILING = "failing"  # was verified, a record broke: back to the platform sender


class RecordStatus(enum.StrEnum):
    OK = "ok"
    MISSING = "missing"
    INVALID = "invalid"
    TEMPORARY = "temporary"  # DNS did not answer (timeout, SERVFAIL): never a failure
    UNCHECKED = "unchecked"


class MailDomain(PlannedChecks, TenantOwned, Model):
    """One sending domain per tenant; the DKIM private key is stored encrypted."""

    __tablename__ = "mail_domains"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "domain"),
        Index("ix_mail_domains_domain_status", "domain", "status"),
        Index("ix_mail_domains_status_next_check_at", "status", "next_check_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(253))
    local_part: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(120))
    reply_to: Mapped[str | None] = mapped_column(String(320))
    selector: Mapped[str] = mapped_column(String(63))
    private_key_encrypted: Mapped[str] = mapped_column(Text)
    public_key: Mapped[str] = mapped_column(Text)  # base64 DER SubjectPublicKeyInfo, as in p=
    ownership_token: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=MailDomainStatus.PENDING)
    ownership_status: Mapped[str] = mapped_column(String(16), default=RecordStatus.UNCHECKED)
    ownership_reason: Mapped[str] = mapped_column(String(500), default="")
    dkim_status: Mapped[str] = mapped_column(String(16), default=RecordStatus.UNCHECKED)
    dkim_reason: Mapped[str] = mapped_column(String(500), default="")
    spf_status: Mapped[str] = mapped_column(String(16), default=RecordStatus.UNCHECKED)
    spf_reason: Mapped[str] = mapped_column(String(500), default="")
    dmarc_status: Mapped[str] = mapped_column(String(16), default=RecordStatus.UNCHECKED)
    dmarc_reason: Mapped[str] = mapped_column(String(500), default="")
    return_path_status: Mapped[str] = mapped_column(String(16), default=RecordStatus.UNCHECKED)
    return_path_reason: Mapped[str] = mapped_column(String(500), default="")
    existing_spf: Mapped[str] = mapped_column(String(2000), default="")
    existing_dmarc: Mapped[str] = mapped_column(String(2000), default="")
    pending_checks: Mapped[int] = mapped_column(default=0)  # checks in a row not verifying it
    verified_at: Mapped[datetime | None]
    last_checked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def from_address(self) -> str:
        return f"{self.local_part}@{self.domain}"

    @property
    def is_verified(self) -> bool:
        return self.status == MailDomainStatus.VERIFIED


class MailDomainCheck(TenantOwned, Model):
    """One run of the checks: the overall outcome and each record's status, kept for history."""

    __tablename__ = "mail_domain_checks"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "mail_domain_id"],
            ["mail_domains.tenant_id", "mail_domains.id"],
            ondelete="CASCADE",
        ),
        Index(
            "ix_mail_domain_checks_domain_checked_at", "tenant_id", "mail_domain_id", "checked_at"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mail_domain_id: Mapped[int]
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    trigger: Mapped[str] = mapped_column(String(16))  # "manual" or "scheduled"
    outcome: Mapped[str] = mapped_column(String(16))  # status of the domain after this check
    summary: Mapped[str] = mapped_column(String(2000))  # "DKIM: ok; SPF: invalid (…)"
