"""Portal settings: modules (enable, rename, icon, order; `portal.modules`) and branding
(theme, colours, names, logo; `portal.branding`). The sign-in image and favicon are set on
the Branding page."""

from __future__ import annotations

from typing import Any

from flask import request

from portal.api import firm_schemas as schemas
from portal.api.auth import parse_body
from portal.api.errors import ApiError
from portal.api.routing import operation, tenant
from portal.branding import branding
from portal.branding.images import MAX_BYTES, clean_image
from portal.branding.storing import set_image
from portal.core.emails import normalize_email
from portal.core.errors import UserError
from portal.core.extensions import db
from portal.modules.registry import ICONS
from portal.modules.service import (
    TenantModuleView,
    forget_module_cache,
    override_row,
    save_order,
    tenant_modules,
)
from tenants.resolution import snapshot_of, tenant_row
from themes.registry import THEMES

TITLE_MAX = 40


def module_json(module: TenantModuleView) -> dict[str, Any]:
    return schemas.Module(
        key=module.key,
        title=module.title,
        default_title=module.spec.title,
        icon=module.icon,
        enabled=module.enabled,
        position=module.position,
    ).model_dump(mode="json")


def _module(key: str) -> TenantModuleView:
    for module in tenant_modules(tenant().id):
        if module.key == key:
            return module
    raise ApiError(404, "No such module.")


@operation(
    "get", "/modules", "List the portal's modules in order", schemas.ModuleList, tag="settings"
)
def list_modules() -> Any:
    return {"data": [module_json(m) for m in tenant_modules(tenant().id)]}


@operation(
    "patch",
    "/modules/<key>",
    "Enable, disable, rename a module or change its icon",
    schemas.Module,
    body=schemas.ModuleUpdate,
    tag="settings",
)
def update_module(key: str) -> Any:
    module = _module(key)
    data = parse_body(schemas.ModuleUpdate)
    row = override_row(tenant().id, module.key)
    if data.title is not None:
        title = " ".join(data.title.split())
        row.title = "" if title == module.spec.title else title
    if data.icon is not None:
        if data.icon not in ICONS:
            raise UserError("Choose one of the icons listed in the documentation.", "icon")
        row.icon = "" if data.icon == module.spec.icon else data.icon
    if data.enabled is not None:
        row.enabled = data.enabled
    db.session.commit()
    forget_module_cache()
    return module_json(_module(key))


@operation(
    "put",
    "/modules/order",
    "Reorder the modules (every key, in the new order)",
    schemas.ModuleList,
    body=schemas.ModuleOrder,
    tag="settings",
)
def order_modules() -> Any:
    data = parse_body(schemas.ModuleOrder)
    keys = [m.key for m in tenant_modules(tenant().id)]
    if sorted(data.keys) != sorted(keys):
        raise UserError("List every module key exactly once: " + ", ".join(keys) + ".", "keys")
    save_order(tenant().id, data.keys)
    db.session.commit()
    forget_module_cache()
    return list_modules()


def branding_json() -> dict[str, Any]:
    row = tenant_row(tenant())
    look = branding(snapshot_of(row))
    return schemas.Branding(
        theme=row.theme,
        brand_color=look.color,
        accent_color=look.accent,
        portal_name=row.portal_name,
        support_email=row.support_email,
        logo_url=look.logo_url,
    ).model_dump(mode="json")


@operation("get", "/branding", "The portal's branding", schemas.Branding, tag="settings")
def get_branding() -> Any:
    return branding_json()


@operation(
    "patch",
    "/branding",
    "Change the theme, colours, portal name or support email",
    schemas.Branding,
    body=schemas.BrandingUpdate,
    tag="settings",
)
def update_branding() -> Any:
    data = parse_body(schemas.BrandingUpdate)
    row = tenant_row(tenant())
    if data.theme is not None:
        if data.theme not in THEMES:
            raise UserError("Choose one of: " + ", ".join(THEMES) + ".", "theme")
        row.theme = data.theme
    if data.brand_color is not None:
        row.brand_color = data.brand_color.lower()
    if data.accent_color is not None:
        row.accent_color = data.accent_color.lower()
    if data.portal_name is not None:
        row.portal_name = " ".join(data.portal_name.split())
    if data.support_email is not None:
        email = data.support_email.strip()
        try:
            row.support_email = normalize_email(email) if email else ""
        except UserError as exc:
            raise UserError(exc.message, "support_email") from None
    db.session.commit()
    return branding_json()


LOGO_FORM = {
    "type": "object",
    "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}},
}


@operation(
    "put",
    "/branding/logo",
    "Upload the logo (multipart/form-data: file; PNG, JPEG, GIF, WebP or ICO, 2 MB at most)",
    schemas.Branding,
    tag="settings",
    multipart=LOGO_FORM,
)
def upload_logo() -> Any:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise UserError("Send the image as the multipart field “file”.", "file")
    try:
        image = clean_image(upload.read(MAX_BYTES + 1), "logo")
    except UserError as exc:
        raise UserError(exc.message, "file") from None
    set_image(tenant_row(tenant()), "logo", image)
    db.session.commit()
    return branding_json()


@operation("delete", "/branding/logo", "Remove the logo", schemas.Branding, tag="settings")
def remove_logo() -> Any:
    set_image(tenant_row(tenant()), "logo", None)
    db.session.commit()
    return branding_json()
