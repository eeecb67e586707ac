"""Each person's choice per kind of event: every event, a daily digest, or off (in-app only)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from portal.core.errors import UserError
from portal.core.extensions import db
from portal.core.i18n import N_
from portal.notifications.models import Mode, NotificationPreference
from portal.notifications.service import KINDS, Recipient
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

MODE_LABELS: dict[str, str] = {
    Mode.EVERY: N_("Every event"),
    Mode.DIGEST: N_("Daily digest"),
    Mode.OFF: N_("Off (in the portal only)"),
}


def preferences(tenant: TenantSnapshot | int, recipient: Recipient) -> dict[str, str]:
    """kind → mode for every kind, one query; kinds without a row are "every event"."""
    rows = db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.mode).where(
            *_criteria(tenant, recipient)
        )
    ).all()
    chosen = {kind: mode for kind, mode in rows}
    return {kind: chosen.get(kind, Mode.EVERY.value) for kind in KINDS}


def mode_for(tenant: TenantSnapshot | int, recipient: Recipient, kind: str) -> str:
    mode: str | None = db.session.scalar(
        select(NotificationPreference.mode).where(
            *_criteria(tenant, recipient), NotificationPreference.kind == kind
        )
    )
    return mode or Mode.EVERY.value


PREVIEW = "push.preview"  # a pseudo-kind: "every" shows names and text on the lock screen


def shows_preview(tenant: TenantSnapshot | int, recipient: Recipient) -> bool:
    """Off unless the person chose it: lock screens are seen by others."""
    mode = db.session.scalar(
        select(NotificationPreference.mode).where(
            *_criteria(tenant, recipient), NotificationPreference.kind == PREVIEW
        )
    )
    return mode == Mode.EVERY


def save_preferences(tenant: TenantSnapshot, recipient: Recipient, choices: dict[str, str]) -> None:
    """Store the modes of known kinds (and PREVIEW: every = show); the caller commits."""
    for kind, mode in choices.items():
        if kind not in KINDS and kind != PREVIEW:
            continue
        if mode not in MODE_LABELS:
            raise UserError("Choose every event, daily digest or off.", field=f"kind_{kind}")
    existing = {
        row.kind: row
        for row in db.session.scalars(
            owned(
                NotificationPreference,
                tenant,
                NotificationPreference.recipient_kind == recipient.kind,
                NotificationPreference.recipient_id == recipient.id,
            )
        )
    }
    for kind, mode in choices.items():
        if kind not in KINDS and kind != PREVIEW:
            continue
        row = existing.get(kind)
        if row is None:
            db.session.add(
                NotificationPreference(
                    tenant_id=tenant.id,
                    recipient_kind=recipient.kind,
                    recipient_id=recipient.id,
                    kind=kind,
                    mode=mode,
                )
            )
        else:
            row.mode = mode


def _criteria(
    tenant: TenantSnapshot | int, recipient: Recipient
) -> tuple[ColumnElement[bool], ...]:
    tenant_id = tenant if isinstance(tenant, int) else tenant.id
    return (
        NotificationPreference.tenant_id == tenant_id,
        NotificationPreference.recipient_kind == recipient.kind,
        NotificationPreference.recipient_id == recipient.id,
    )
