"""Client accounts (households, companies), contacts (people who may sign in) and invitations."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.auth.principals import Principal, PrincipalKind
from portal.core.database import utcnow
from portal.core.extensions import Model
from tenants.scoping import TenantOwned


class AccountKind(enum.StrEnum):
    COMPANY = "company"
    HOUSEHOLD = "household"


class BulkStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # an error stopped it; staff see how far it got


def _trigram(name: str, column: str) -> Index:
    """A PostgreSQL GIN trigram index on (tenant_id, lower(column)) for "contains" searches."""
    return Index(
        name,
        "tenant_id",
        text(f"lower({column})"),
        postgresql_using="gin",
        postgresql_ops={f"lower({column})": "gin_trgm_ops"},
    )


class ClientAccount(TenantOwned, Model):
    __tablename__ = "client_accounts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        Index("ix_client_accounts_tenant_name", "tenant_id", "name"),
        # The clients list (portal.clients.listing): keyset pages by name or creation date,
        # and "contains" search (trigram, PostgreSQL only: migration 8116a1a908ab).
        Index("ix_client_accounts_tenant_lower_name", "tenant_id", text("lower(name)"), "id"),
        Index("ix_client_accounts_tenant_created", "tenant_id", "created_at", "id"),
        _trigram("ix_client_accounts_tenant_name_trgm", "name"),
        # The firm's test client (portal.clients.test_client), looked up on the dashboard.
        Index(
            "ix_client_accounts_tenant_test",
            "tenant_id",
            "id",
            sqlite_where=text("is_test = 1"),
            postgresql_where=text("is_test IS true"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default=AccountKind.COMPANY)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Client records (portal.clients.records): an archived account is hidden from lists and its
    # portal is closed; the test client (portal.clients.test_client) is left out of counts.
    archived_at: Mapped[datetime | None]
    is_test: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    reference_id: Mapped[str] = mapped_column(String(64), default="")
    # Billing: where invoices go, several addresses separated by semicolons (portal.billing).
    billing_email: Mapped[str] = mapped_column(Text, default="", server_default="")


class AccountTag(TenantOwned, Model):
    """A tag on an account, stored lowercased and trimmed so lists filter on it with an index."""

    __tablename__ = "account_tags"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        Index("ix_account_tags_tenant_tag", "tenant_id", "tag"),
    )

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(String(50), primary_key=True)


class Contact(Principal, TenantOwned, Model):
    """A person at a client: the identity that signs in to the portal of one tenant."""

    __tablename__ = "contacts"
    kind = PrincipalKind.CLIENT
    tenant_owned = True
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        Index("ix_contacts_tenant_email", "tenant_id", "email"),
        # The pending list by email, and searches (see ClientAccount).
        Index("ix_contacts_tenant_lower_email", "tenant_id", text("lower(email)"), "id"),
        _trigram("ix_contacts_tenant_email_trgm", "email"),
        _trigram("ix_contacts_tenant_name_trgm", "name"),
        # The dashboard's latest sign-ins (portal.clients.activation.recent_activity).
        Index("ix_contacts_tenant_last_login", "tenant_id", "last_login_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email_problem: Mapped[str | None] = mapped_column(String(200))
    self_registered: Mapped[bool] = mapped_column(default=False)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    activated_at: Mapped[datetime | None]
    welcomed_at: Mapped[datetime | None]
    # The portal and email language the client chose (portal.clients.languages); None = default.
    language: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def can_sign_in(self) -> bool:
        return self.password_hash is not None and self.activated_at is not None

    @property
    def display_name(self) -> str:
        return self.name or self.email


class AccountContact(TenantOwned, Model):
    """Links a contact to an account; `login_enabled` is the per-link portal access toggle."""

    __tablename__ = "account_contacts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
        Index("ix_account_contacts_tenant_contact", "tenant_id", "contact_id"),
    )

    # The mixin's column, as the first part of the primary key (which indexes it).
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(primary_key=True)
    login_enabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Invitation(TenantOwned, Model):
    """One live invitation per contact at most; resending refreshes it and keeps the link."""

    __tablename__ = "invitations"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
        UniqueConstraint("tenant_id", "token_hash"),
        UniqueConstraint("tenant_id", "id"),
        Index("ix_invitations_tenant_contact", "tenant_id", "contact_id"),
        # The pending list, latest sent first (portal.clients.listing.pending_page).
        Index("ix_invitations_tenant_sent", "tenant_id", "last_sent_at", "contact_id"),
        # The dashboard's latest accepted invitations.
        Index("ix_invitations_tenant_accepted", "tenant_id", "accepted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int]
    email: Mapped[str] = mapped_column(String(320))
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    first_sent_at: Mapped[datetime | None]
    last_sent_at: Mapped[datetime | None]
    send_count: Mapped[int] = mapped_column(default=0)
    invited_by_staff_id: Mapped[int | None]
    invited_by: Mapped[str] = mapped_column(String(200), default="")
    # Set when a client invited this teammate from the portal (portal/web/teammates.py).
    invited_by_contact_id: Mapped[int | None]
    personal_message: Mapped[str] = mapped_column(Text, default="")
    accepted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # The last invitation email was refused for good (SMTP 5xx): when, and the server's words.
    bounced_at: Mapped[datetime | None]
    bounce_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PasswordReset(TenantOwned, Model):
    __tablename__ = "password_resets"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
        UniqueConstraint("tenant_id", "token_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BulkInvite(TenantOwned, Model):
    """A bulk 'enable login / send invitations' run, processed by a job with visible progress.

    Until the run is done, `finished_at` is the time of its last committed chunk: a run that
    has not moved for a while lost its process and is resumed (jobs.invites)."""

    __tablename__ = "bulk_invites"
    __table_args__ = (UniqueConstraint("tenant_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_ids: Mapped[str] = mapped_column(Text)
    send_invitations: Mapped[bool] = mapped_column(default=False)
    personal_message: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[int | None]
    invited_by_label: Mapped[str] = mapped_column(String(200), default="")
    total: Mapped[int] = mapped_column(default=0)
    processed: Mapped[int] = mapped_column(default=0)
    invited: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default=BulkStatus.QUEUED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class ImportStatus(enum.StrEnum):
    DRAFT = "draft"  # uploaded, being mapped and previewed
    CHECKING = "checking"
    SAVING = "saving"
    DONE = "done"
    FAILED = "failed"


class ClientImport(TenantOwned, Model):
    """One CSV import: the stored file, the staff's mapping and choices, progress and the report.

    The job checks every row first (progress counts checked rows), then writes all rows in one
    transaction together with the final counts, so a failure or crash leaves nothing imported.
    """

    __tablename__ = "client_imports"
    __table_args__ = (UniqueConstraint("tenant_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    storage_key: Mapped[str] = mapped_column(String(300))
    mapping: Mapped[str] = mapped_column(Text, default="{}")
    valid_only: Mapped[bool] = mapped_column(default=False)
    update_existing: Mapped[bool] = mapped_column(default=False)
    invite: Mapped[bool] = mapped_column(default=False)
    staff_id: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default=ImportStatus.DRAFT)
    total: Mapped[int] = mapped_column(default=0)
    processed: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    report: Mapped[str] = mapped_column(Text, default="")
    bulk_invite_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


# The join from an account link to its contact, on the composite key (the tenant too, so the
# (tenant, id) indexes serve): `select(...).select_from(AccountContact).join(Contact, ...)`.
CONTACT_OF_LINK = and_(
    Contact.tenant_id == AccountContact.tenant_id, Contact.id == AccountContact.contact_id
)
