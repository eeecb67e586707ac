"""The client's notification centre, notification preferences, push devices, and the
portal's web app manifest and service worker."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    request,
    send_file,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, user_logged_out

from portal.auth.principals import PrincipalKind
from portal.core.errors import form_status
from portal.core.extensions import db
from portal.core.pagination import page_number
from portal.notifications import centre, device_pages, push
from portal.notifications.forms import chosen_modes, field_name, preferences_form
from portal.notifications.manifest import icon_svg, manifest
from portal.notifications.preferences import preferences, save_preferences, shows_preview
from portal.notifications.push import DEVICE_KEY
from portal.notifications.service import KINDS, Recipient
from portal.web.modules.nav import client_counts
from portal.web.session import ACCOUNT_KEY, client_required
from tenants.context import current_tenant
from themes.loader import render_themed

bp = Blueprint("notifications", __name__)
bp.record_once(lambda state: user_logged_out.connect(_forget_this_device, state.app))

SERVICE_WORKER = Path(__file__).resolve().parents[2] / "themes/default/static/service-worker.js"


def _forget_this_device(sender: Flask, user: object) -> None:
    """Signing out (client or staff: one session per host) stops this browser's pushes; the
    sign-out view commits."""
    device_id = session.pop(DEVICE_KEY, None)
    kind = getattr(user, "kind", None)
    if g.get("tenant") is None or not isinstance(device_id, int) or kind is None:
        return
    push.forget_device(current_tenant, Recipient(str(kind), int(getattr(user, "id", 0))), device_id)


def _me() -> Recipient:
    return Recipient(PrincipalKind.CLIENT.value, current_user.id)


@bp.app_template_global()
def client_notification_count() -> int:
    """The bell's badge in the portal header: one query, only on pages that show the bell."""
    if g.get("tenant") is None or getattr(current_user, "kind", None) != PrincipalKind.CLIENT:
        return 0
    return client_counts().notifications  # with the menu's badge, in one statement


@bp.get("/notifications")
@client_required
def index() -> str:
    page = centre.page_of(current_tenant, _me(), page_number(request.args))
    return render_themed(
        current_tenant.theme,
        "portal/notifications/index.html",
        page=page,
        kinds=KINDS,
        account_names={a.id: a.name for a in g.accounts} if len(g.accounts) > 1 else {},
        vapid_key=push.vapid_keys().public_key,
        this_device=isinstance(session.get(DEVICE_KEY), int),
        devices=push.device_count(current_tenant, _me()),
    )


@bp.post("/notifications/<int:notification_id>/open")
@client_required
def open_one(notification_id: int) -> ResponseReturnValue:
    row = centre.find(current_tenant, _me(), notification_id) or abort(404)
    centre.mark_read(row)
    path = row.path
    if row.account_id is not None and any(a.id == row.account_id for a in g.accounts):
        session[ACCOUNT_KEY] = row.account_id  # its page belongs to that account
    db.session.commit()
    return redirect(path, 303)


@bp.post("/notifications/<int:notification_id>/read")
@client_required
def read_one(notification_id: int) -> ResponseReturnValue:
    row = centre.find(current_tenant, _me(), notification_id) or abort(404)
    centre.mark_read(row)
    db.session.commit()
    return redirect(url_for("notifications.index"), 303)


@bp.post("/notifications/read-all")
@client_required
def read_all() -> ResponseReturnValue:
    count = centre.mark_all_read(current_tenant, _me())
    db.session.commit()
    flash(
        ngettext(
            "Marked %(num)d notification as read.", "Marked %(num)d notifications as read.", count
        )
    )
    return redirect(url_for("notifications.index"), 303)


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@client_required
def preferences_page() -> ResponseReturnValue:
    form = preferences_form(
        preferences(current_tenant, _me()), shows_preview(current_tenant, _me())
    )
    if form.validate_on_submit():
        save_preferences(current_tenant, _me(), chosen_modes(form))
        db.session.commit()
        flash(_("Your notification choices are saved."))
        return redirect(url_for("notifications.preferences_page"), 303)
    return render_themed(
        current_tenant.theme,
        "portal/notifications/preferences.html",
        form=form,
        fields=[(form[field_name(kind)], label) for kind, label in KINDS.items()],
    ), form_status(form)


@bp.post("/notifications/devices")
@client_required
def add_device() -> ResponseReturnValue:
    return device_pages.add_device(current_tenant, _me())


@bp.post("/notifications/devices/test")
@client_required
def test_device() -> ResponseReturnValue:
    device_pages.send_test_push(current_tenant, "/notifications")
    return redirect(url_for("notifications.index"), 303)


@bp.post("/notifications/devices/remove")
@client_required
def remove_device() -> ResponseReturnValue:
    return device_pages.remove_device(current_tenant, _me())


@bp.get("/manifest.webmanifest")
def portal_manifest() -> ResponseReturnValue:
    if g.get("tenant") is None:
        abort(404)
    body = manifest(current_tenant, staff=False, icon_url=url_for("notifications.app_icon"))
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/app-icon.svg")
def app_icon() -> ResponseReturnValue:
    if g.get("tenant") is None:
        abort(404)
    return icon_svg(current_tenant), 200, {"Content-Type": "image/svg+xml"}


@bp.get("/service-worker.js")
def service_worker() -> ResponseReturnValue:
    """One worker for the portal (scope /) and the dashboard (scope /admin/); never cached, so
    a new version reaches every browser at once. It caches nothing itself."""
    if g.get("tenant") is None:
        abort(404)
    response = send_file(SERVICE_WORKER, mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
