"""In-app notifications, each person's preferences per kind, Web Push subscriptions per device,
and the deployment's VAPID key pair."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKeyConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import utcnow
from portal.core.extensions import Model
from tenants.scoping import TenantOwned


class Mode(enum.StrEnum):
    """How a person hears about one kind of event besides the in-app centre."""

    EVERY = "every"
    DIGEST = "digest"
    OFF = "off"


class Notification(TenantOwned, Model):
    """One thing one person should know about. Saved with the event's own transaction, so it
    exists before any email or push is attempted; `email_note` says what became of its email
    ("sent", "digest", "read in app", "viewing", "preference off", "no email")."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["client_accounts.tenant_id", "client_accounts.id"]
        ),
        Index("ix_notifications_recipient", "tenant_id", "recipient_kind", "recipient_id", "id"),
        Index(
            "ix_notifications_group",
            "tenant_id",
            "recipient_kind",
            "recipient_id",
            "group_key",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_kind: Mapped[str] = mapped_column(String(16))
    recipient_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(500), default="")
    path: Mapped[str] = mapped_column(String(500))
    group_key: Mapped[str] = mapped_column(String(100))
    account_id: Mapped[int | None]
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]
    email_note: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationPreference(TenantOwned, Model):
    """A person's choice for one kind; no row means "every event"."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        UniqueConstraint(
            "tenant_id",
            "recipient_kind",
            "recipient_id",
            "kind",
            name="uq_notification_preferences_person_kind",
        ),
        UniqueConstraint("tenant_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_kind: Mapped[str] = mapped_column(String(16))
    recipient_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(16), default=Mode.EVERY)


class PushSubscription(TenantOwned, Model):
    """One browser on one device of one person: where its push service accepts messages and
    the keys that encrypt them for that browser only."""

    __tablename__ = "push_subscriptions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "endpoint"),
        UniqueConstraint("tenant_id", "id"),
        Index("ix_push_subscriptions_recipient", "tenant_id", "recipient_kind", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_kind: Mapped[str] = mapped_column(String(16))
    recipient_id: Mapped[int]
    endpoint: Mapped[str] = mapped_column(String(1000))
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    origin: Mapped[str] = mapped_column(String(300), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sent_at: Mapped[datetime | None]


class VapidKey(Model):
    """The deployment's VAPID key pair (platform-wide, one row named "default"): generated
    once and shared by every process; the private key is encrypted with the secret."""

    __tablename__ = "vapid_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    private_key: Mapped[str] = mapped_column(Text)
    public_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
