"""Staff: the notification centre, email preferences, push devices and the dashboard's web app
manifest (the service worker is the portal's /service-worker.js, registered for /admin/)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from admin.access import staff_required
from portal.auth.principals import PrincipalKind
from portal.core.errors import form_status
from portal.core.extensions import db
from portal.core.pagination import page_number
from portal.notifications import centre, device_pages, push
from portal.notifications.forms import chosen_modes, field_name, preferences_form
from portal.notifications.manifest import manifest
from portal.notifications.preferences import preferences, save_preferences, shows_preview
from portal.notifications.push import DEVICE_KEY
from portal.notifications.service import KINDS, Recipient, unread_count
from tenants.context import current_tenant

bp = Blueprint("admin_notifications", __name__, url_prefix="/admin/notifications")


def _me() -> Recipient:
    return Recipient(PrincipalKind.STAFF.value, current_user.id)


@bp.app_template_global()
def staff_notification_count() -> int:
    """The bell's badge in the dashboard header: one query, only where the bell is shown."""
    if g.get("tenant") is None or getattr(current_user, "kind", None) != PrincipalKind.STAFF:
        return 0
    return unread_count(current_tenant, _me())


@bp.get("/")
@staff_required
def index() -> str:
    page = centre.page_of(current_tenant, _me(), page_number(request.args))
    return render_template(
        "admin/notifications/index.html",
        page=page,
        kinds=KINDS,
        vapid_key=push.vapid_keys().public_key,
        this_device=isinstance(session.get(DEVICE_KEY), int),
        devices=push.device_count(current_tenant, _me()),
    )


@bp.post("/<int:notification_id>/open")
@staff_required
def open_one(notification_id: int) -> ResponseReturnValue:
    row = centre.find(current_tenant, _me(), notification_id) or abort(404)
    centre.mark_read(row)
    path = row.path
    db.session.commit()
    return redirect(path, 303)


@bp.post("/<int:notification_id>/read")
@staff_required
def read_one(notification_id: int) -> ResponseReturnValue:
    row = centre.find(current_tenant, _me(), notification_id) or abort(404)
    centre.mark_read(row)
    db.session.commit()
    return redirect(url_for("admin_notifications.index"), 303)


@bp.post("/read-all")
@staff_required
def read_all() -> ResponseReturnValue:
    count = centre.mark_all_read(current_tenant, _me())
    db.session.commit()
    flash(f"Marked {count} notification{'s' if count != 1 else ''} as read.", "success")
    return redirect(url_for("admin_notifications.index"), 303)


@bp.route("/preferences", methods=["GET", "POST"])
@staff_required
def preferences_page() -> ResponseReturnValue:
    form = preferences_form(
        preferences(current_tenant, _me()), shows_preview(current_tenant, _me())
    )
    if form.validate_on_submit():
        save_preferences(current_tenant, _me(), chosen_modes(form))
        db.session.commit()
        flash("Your notification choices are saved.", "success")
        return redirect(url_for("admin_notifications.preferences_page"), 303)
    return render_template(
        "admin/notifications/preferences.html",
        form=form,
        fields=[(form[field_name(kind)], label) for kind, label in KINDS.items()],
    ), form_status(form)


@bp.post("/devices")
@staff_required
def add_device() -> ResponseReturnValue:
    return device_pages.add_device(current_tenant, _me())


@bp.post("/devices/test")
@staff_required
def test_device() -> ResponseReturnValue:
    device_pages.send_test_push(current_tenant, "/admin/notifications/")
    return redirect(url_for("admin_notifications.index"), 303)


@bp.post("/devices/remove")
@staff_required
def remove_device() -> ResponseReturnValue:
    return device_pages.remove_device(current_tenant, _me())


@bp.get("/manifest.webmanifest")
def dashboard_manifest() -> ResponseReturnValue:
    if g.get("tenant") is None:
        abort(404)
    body = manifest(current_tenant, staff=True, icon_url="/app-icon.svg")
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response
