"""Every change a staff member makes in the dashboard lands in the audit log.

Views with something specific to say call `portal.audit.service.record` themselves (team
actions, previews, imports); for any other successful POST under /admin by signed-in staff this
hook records `<area>.<action>` (from the endpoint: `admin_clients.invite` -> `clients.invite`)
with the ids in its URL, so a page added tomorrow is audited the day it lands.
"""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.audit.service import RECORDED_FLAG, Outcome, record
from tenants.context import current_tenant

EVENT_LENGTH = 40


def record_staff_action(response: Response) -> Response:
    if (
        request.method != "POST"
        or not (request.blueprint or "").startswith("admin_")
        or response.status_code >= 400
        or g.get(RECORDED_FLAG)
        or g.get("tenant") is None
        or not current_user.is_authenticated
        or getattr(current_user, "kind", None) != "staff"
    ):
        return response
    endpoint = (request.endpoint or "").removeprefix("admin_")
    ids = " ".join(f"{name}={value}" for name, value in sorted((request.view_args or {}).items()))
    record(
        endpoint[:EVENT_LENGTH],
        tenant=current_tenant,
        principal_kind="staff",
        principal_id=current_user.id,
        outcome=Outcome.SUCCESS,
        detail=ids,
    )
    return response


def init_app(app: Flask) -> None:
    app.after_request(record_staff_action)
