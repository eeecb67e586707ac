"""Web Push: the deployment's VAPID keys, each person's subscriptions (one per browser and
device) and sending one notification to all of them. A 404 or 410 from a push service means
the browser dropped the subscription, so it is deleted."""

from __future__ import annotations

import base64
import ipaddress
import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from portal.core.database import utcnow
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.maildomains.keys import decrypt_private_key, encrypt_private_key
from portal.notifications.models import Mode, Notification, PushSubscription, VapidKey
from portal.notifications.preferences import mode_for, shows_preview
from portal.notifications.service import KINDS, Recipient, truncate
from tenants.resolution import snapshot_by_id
from tenants.scoping import owned
from tenants.snapshot import TenantSnapshot

log = logging.getLogger("foyer.push")
PUSH_TIMEOUT = 10.0
PUSH_TTL = 24 * 3600
GONE = (404, 410)
DEVICE_KEY = "push_device"  # session key: the subscription this browser sent


@dataclass(frozen=True, slots=True)
class VapidPair:
    private_pem: bytes
    public_key: str  # base64url of the uncompressed point: the browser's applicationServerKey


def vapid_keys() -> VapidPair:
    """The configured pair (VAPID_PRIVATE_KEY / VAPID_PUBLIC_KEY), else the one stored in the
    database, generated on first use; every process of the deployment shares it."""
    config = current_app.config
    if config.get("VAPID_PRIVATE_KEY") and config.get("VAPID_PUBLIC_KEY"):
        return VapidPair(str(config["VAPID_PRIVATE_KEY"]).encode(), str(config["VAPID_PUBLIC_KEY"]))
    row = db.session.scalar(select(VapidKey).where(VapidKey.name == "default"))
    if row is None:
        row = _generate()
    return VapidPair(decrypt_private_key(config, row.private_key), row.public_key)


def _generate() -> VapidKey:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    row = VapidKey(
        name="default",
        private_key=encrypt_private_key(current_app.config, pem),
        public_key=base64.urlsafe_b64encode(point).rstrip(b"=").decode(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
        db.session.commit()
    except IntegrityError:  # another process generated it first: use theirs
        db.session.rollback()
        stored = db.session.scalar(select(VapidKey).where(VapidKey.name == "default"))
        assert stored is not None
        return stored
    return row


def subscribe(
    tenant: TenantSnapshot,
    recipient: Recipient,
    data: Any,
    *,
    origin: str,
    user_agent: str,
) -> PushSubscription:
    """Store (or move to this person) the browser's subscription; the caller commits."""
    endpoint, p256dh, auth = _parse(data)
    row = db.session.scalar(owned(PushSubscription, tenant, PushSubscription.endpoint == endpoint))
    if row is None:
        row = PushSubscription(tenant_id=tenant.id, endpoint=endpoint)
        db.session.add(row)
    row.recipient_kind = recipient.kind
    row.recipient_id = recipient.id
    row.p256dh = p256dh
    row.auth = auth
    row.origin = origin[:300]
    row.user_agent = user_agent[:300]
    db.session.flush()  # the id, for the session to remember this device by
    return row


def unsubscribe(tenant: TenantSnapshot, recipient: Recipient, endpoint: str) -> bool:
    """Forget one of the person's devices; the caller commits."""
    result = db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.tenant_id == tenant.id,
            PushSubscription.recipient_kind == recipient.kind,
            PushSubscription.recipient_id == recipient.id,
            PushSubscription.endpoint == endpoint,
        )
    )
    return bool(getattr(result, "rowcount", 0))


def forget_device(tenant: TenantSnapshot, recipient: Recipient, subscription_id: int) -> None:
    """The person signed out on this device: it stops getting their pushes. The caller
    commits."""
    db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.tenant_id == tenant.id,
            PushSubscription.id == subscription_id,
            PushSubscription.recipient_kind == recipient.kind,
            PushSubscription.recipient_id == recipient.id,
        )
    )


def device_count(tenant: TenantSnapshot, recipient: Recipient) -> int:
    return len(subscriptions(tenant.id, recipient))


def subscriptions(tenant_id: int, recipient: Recipient) -> list[PushSubscription]:
    return list(
        db.session.scalars(
            owned(
                PushSubscription,
                tenant_id,
                PushSubscription.recipient_kind == recipient.kind,
                PushSubscription.recipient_id == recipient.id,
            ).order_by(PushSubscription.id)
        )
    )


def payload(notification: Notification, firm: str, preview: bool) -> dict[str, str]:
    """What the service worker shows: `tag` makes a later push of the group replace the
    earlier one on the lock screen. Without the person's "show previews" choice a locked
    phone shows only the firm and the kind of update, never names or message text."""
    if preview:
        title, body = notification.title, truncate(notification.body, 160)
    else:
        title, body = firm, KINDS.get(notification.kind, "New update") + ": open to read"
    return {"title": title, "body": body, "url": notification.path, "tag": notification.group_key}


@dataclass(frozen=True, slots=True)
class PushResult:
    sent: int
    failed: list[int]  # devices whose push service failed for now: retried later


def send_push(notification: Notification, device_ids: list[int] | None = None) -> PushResult:
    """Push one notification to every device of its recipient (or only `device_ids`, a
    retry); the caller commits. Devices a push service reports gone are deleted."""
    recipient = Recipient(notification.recipient_kind, notification.recipient_id)
    if notification.read_at is not None:
        return PushResult(0, [])
    if mode_for(notification.tenant_id, recipient, notification.kind) != Mode.EVERY:
        return PushResult(0, [])
    devices = subscriptions(notification.tenant_id, recipient)
    if device_ids is not None:
        devices = [device for device in devices if device.id in device_ids]
    if not devices:
        return PushResult(0, [])
    tenant = snapshot_by_id(notification.tenant_id)
    firm = (tenant.portal_name or tenant.name) if tenant is not None else ""
    data = payload(notification, firm, shows_preview(notification.tenant_id, recipient))
    return deliver(devices, data, f"notification {notification.id}")


def send_test(tenant: TenantSnapshot, subscription_id: int, url: str) -> PushResult:
    """'Send a test notification' to one device: does push reach it at all? The caller
    commits."""
    device = db.session.scalar(
        owned(PushSubscription, tenant, PushSubscription.id == subscription_id)
    )
    if device is None:
        return PushResult(0, [])
    data = {
        "title": tenant.portal_name or tenant.name,
        "body": "Test notification: notifications work on this device.",
        "url": url,
        "tag": "test",
    }
    return deliver([device], data, "test")


def deliver(devices: list[PushSubscription], data: dict[str, str], what: str) -> PushResult:
    """Encrypt `data` for each device and post it to its push service; the caller commits."""
    vapid = Vapid02.from_pem(vapid_keys().private_pem)
    body = json.dumps(data)
    sent = 0
    failed: list[int] = []
    reasons: list[str] = []
    for device in devices:
        try:
            webpush(
                {
                    "endpoint": device.endpoint,
                    "keys": {"p256dh": device.p256dh, "auth": device.auth},
                },
                data=body,
                vapid_private_key=vapid,
                vapid_claims={"sub": _subject()},
                timeout=PUSH_TIMEOUT,
                ttl=PUSH_TTL,
            )
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            if status in GONE:
                log.info("push subscription %s gone (%s): deleted", device.id, status)
                db.session.delete(device)
                continue
            failed.append(device.id)
            reasons.append(f"{device.id}: {status or exc}")
            continue
        except Exception as exc:  # connection refused, timeout: try the other devices first
            failed.append(device.id)
            reasons.append(f"{device.id}: {exc}")
            continue
        device.last_sent_at = utcnow()
        sent += 1
    if reasons:
        log.warning("push for %s failed: %s", what, "; ".join(reasons))
    return PushResult(sent, failed)


def _subject() -> str:
    """Apple refuses a VAPID `sub` that is not a real mailto: or https: URL."""
    config = current_app.config
    configured = str(config.get("VAPID_SUBJECT") or "")
    return configured or f"mailto:{config['MAIL_DEFAULT_SENDER_ADDRESS']}"


def _parse(data: Any) -> tuple[str, str, str]:
    """The browser's PushSubscription JSON: endpoint and its two keys, checked."""
    if not isinstance(data, dict):
        raise UserError("This browser sent no push subscription.")
    endpoint = data.get("endpoint")
    keys = data.get("keys")
    if not isinstance(endpoint, str) or not isinstance(keys, dict):
        raise UserError("This browser sent no push subscription.")
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not _is_b64url(p256dh, 80, 100) or not _is_b64url(auth, 16, 30):
        raise UserError("This browser's push keys are not valid.")
    _check_endpoint(endpoint)
    return endpoint, str(p256dh), str(auth)


def _is_b64url(value: Any, low: int, high: int) -> bool:
    if not isinstance(value, str) or not low <= len(value) <= high:
        return False
    try:
        base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError:
        return False
    return all(c.isalnum() or c in "-_=" for c in value)


def _check_endpoint(endpoint: str) -> None:
    """Only https push services on public names; the server POSTs to this URL, so it must not
    reach into the deployment's own network. Tests allow their loopback push service."""
    if len(endpoint) > 1000:
        raise UserError("This push service address is too long.")
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    if current_app.config.get("PUSH_ALLOW_LOOPBACK_HTTP") and parts.scheme == "http":
        if host == "127.0.0.1":
            return
    if parts.scheme != "https" or not host or parts.username or parts.password:
        raise UserError("Push notifications need a secure (https) push service.")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            raise UserError("This push service address is not allowed.") from None
        return
    if not address.is_global:
        raise UserError("This push service address is not allowed.")
