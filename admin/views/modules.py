"""Settings > Modules: enable, rename, reorder and pick icons; the link module's entries."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from admin.access import settings_permission_required
from admin.forms import LinkForm
from portal.core.errors import UNPROCESSABLE, UserError, show_on_form
from portal.core.extensions import db
from portal.modules.models import LinkMode, ModuleLink
from portal.modules.registry import ICONS
from portal.modules.service import (
    forget_module_cache,
    links_of,
    override_row,
    save_order,
    tenant_modules,
    validate_link_url,
)
from tenants.context import current_tenant
from tenants.scoping import get_owned

bp = Blueprint("admin_modules", __name__, url_prefix="/admin/settings/modules")
TITLE_MAX = 40


def _render(
    errors: dict[str, str] | None = None, link_form: LinkForm | None = None, status: int = 200
) -> tuple[str, int]:
    tenant_id = current_tenant.id
    return (
        render_template(
            "admin/modules/index.html",
            modules=tenant_modules(tenant_id),
            icons=ICONS,
            errors=errors or {},
            form=FlaskForm(),
            link_form=link_form or LinkForm(formdata=None),
            links=links_of(tenant_id),
        ),
        status,
    )


@bp.get("")
@settings_permission_required
def index() -> tuple[str, int]:
    return _render()


@bp.post("")
@settings_permission_required
def save() -> ResponseReturnValue:
    """One form for the whole table; `move=<key>:up|down` buttons save and then move a row."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    tenant_id = current_tenant.id
    modules = tenant_modules(tenant_id)
    errors: dict[str, str] = {}
    for module in modules:
        title = " ".join(request.form.get(f"title-{module.key}", "").split())
        icon = request.form.get(f"icon-{module.key}", module.icon)
        if len(title) > TITLE_MAX:
            errors[module.key] = f"Labels are at most {TITLE_MAX} characters."
        if icon not in ICONS:
            errors[module.key] = "Choose an icon from the list."
        if module.key in errors:
            continue
        row = override_row(tenant_id, module.key)
        row.enabled = request.form.get(f"enabled-{module.key}") == "y"
        row.title = "" if title == module.spec.title else title
        row.icon = "" if icon == module.spec.icon else icon
    if errors:
        db.session.rollback()
        forget_module_cache()
        return _render(errors, status=UNPROCESSABLE)
    keys = [module.key for module in modules]
    key, _, direction = request.form.get("move", "").partition(":")
    if key in keys and direction in ("up", "down"):
        index = keys.index(key)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(keys):
            keys[index], keys[other] = keys[other], keys[index]
    save_order(tenant_id, keys)
    db.session.commit()
    forget_module_cache()
    flash("Modules saved." if not key else f"Moved {key} {direction}.")
    anchor = f"#module-{key}" if key in keys else ""
    return redirect(url_for("admin_modules.index") + anchor)


@bp.post("/links")
@settings_permission_required
def add_link() -> ResponseReturnValue:
    form = LinkForm()
    if form.validate_on_submit():
        try:
            url = validate_link_url(form.url.data or "")
        except UserError as exc:
            show_on_form(form, exc, default_field="url")
        else:
            tenant_id = current_tenant.id
            last = db.session.scalar(
                select(func.max(ModuleLink.position)).where(ModuleLink.tenant_id == tenant_id)
            )
            db.session.add(
                ModuleLink(
                    tenant_id=tenant_id,
                    title=" ".join((form.title.data or "").split()),
                    url=url,
                    mode=form.mode.data if form.mode.data in set(LinkMode) else LinkMode.TAB,
                    position=(last or 0) + 10,
                )
            )
            db.session.commit()
            flash(f"Link “{form.title.data}” added.")
            return redirect(url_for("admin_modules.index") + "#links")
    return _render(link_form=form, status=UNPROCESSABLE)


@bp.post("/links/<int:link_id>/delete")
@settings_permission_required
def delete_link(link_id: int) -> Response:
    if not FlaskForm().validate_on_submit():
        abort(400)
    link = get_owned(ModuleLink, current_tenant.id, link_id)
    if link is None:
        abort(404)
    db.session.delete(link)
    db.session.commit()
    flash(f"Link “{link.title}” removed.")
    return redirect(url_for("admin_modules.index") + "#links")
