"""The push-device endpoints both sides share (client portal and staff dashboard): the
browser's subscription comes in as JSON, the test push goes out as a job. Each interface wraps
these in its own route and sign-in check."""

from __future__ import annotations

from flask import flash, jsonify, request, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from jobs.queue import enqueue
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.notifications import push
from portal.notifications.push import DEVICE_KEY
from portal.notifications.service import Recipient
from tenants.snapshot import TenantSnapshot


def add_device(tenant: TenantSnapshot, me: Recipient) -> ResponseReturnValue:
    try:
        device = push.subscribe(
            tenant,
            me,
            request.get_json(silent=True),
            origin=request.host_url.rstrip("/"),
            user_agent=request.user_agent.string,
        )
    except UserError as error:
        return jsonify(error=error.message), 422
    session[DEVICE_KEY] = device.id  # signing out here forgets this device
    db.session.commit()
    return jsonify(ok=True, devices=push.device_count(tenant, me))


def send_test_push(tenant: TenantSnapshot, open_url: str) -> None:
    """Queue a test notification to this browser's device, to check that push reaches it."""
    device_id = session.get(DEVICE_KEY)
    if not isinstance(device_id, int):
        flash(_("Turn on notifications on this device first."), "warning")
    else:
        enqueue("send_test_push", tenant.id, device_id, open_url)
        flash(_("A test notification is on its way to this device."), "success")


def remove_device(tenant: TenantSnapshot, me: Recipient) -> ResponseReturnValue:
    data = request.get_json(silent=True) or {}
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if isinstance(endpoint, str):
        push.unsubscribe(tenant, me, endpoint)
        db.session.commit()
    return jsonify(ok=True)
