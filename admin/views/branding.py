"""Settings > Branding: theme, colours, names and images, with a preview before saving."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import FileStorage

from admin.access import settings_permission_required
from admin.forms import BrandingForm
from portal.auth.forms import SignInForm
from portal.branding.colors import readable_on, text_on
from portal.branding.images import MAX_BYTES, CleanImage, clean_image
from portal.branding.storing import set_image
from portal.core.errors import UNPROCESSABLE, UserError, form_status, show_on_form
from portal.core.extensions import db
from tenants.context import current_tenant, get_current_tenant
from tenants.models import SignupMode, Tenant
from tenants.resolution import tenant_row
from themes.loader import render_themed

bp = Blueprint("admin_branding", __name__, url_prefix="/admin/settings/branding")

# form field → (image kind in storage names, Tenant column)
IMAGES = {
    "logo": ("logo", "logo_key"),
    "login_image": ("login", "login_image_key"),
    "favicon": ("favicon", "favicon_key"),
}


def _contrast_notes(form: BrandingForm) -> list[str]:
    notes = []
    for field in (form.brand_color, form.accent_color):
        if field.errors or not field.data:
            continue
        best = text_on(field.data)
        if not best.passes_aa:
            notes.append(
                f"{field.label.text} {field.data}: text on it reaches only {best.ratio:.1f}:1, "
                "below the WCAG AA minimum of 4.5:1. Consider a darker or lighter shade."
            )
    brand = form.brand_color
    if not brand.errors and brand.data and readable_on(brand.data) != brand.data.lower():
        notes.append(
            f"{brand.label.text} {brand.data} is too light for text on a white page, so links "
            f"and headings in the portal use the darker shade {readable_on(brand.data)}."
        )
    return notes


@bp.route("", methods=["GET", "POST"])
@settings_permission_required
def edit() -> ResponseReturnValue:
    tenant = tenant_row(current_tenant)
    form = BrandingForm(obj=tenant)
    if form.validate_on_submit():
        cleaned: dict[str, CleanImage] = {}
        for field_name, (kind, _column) in IMAGES.items():
            upload = getattr(form, field_name).data
            if isinstance(upload, FileStorage) and upload.filename:
                try:
                    cleaned[field_name] = clean_image(upload.read(MAX_BYTES + 1), kind)
                except UserError as exc:
                    show_on_form(form, exc, default_field=field_name)
        if not any(getattr(form, name).errors for name in IMAGES):
            _save(tenant, form, cleaned)
            for note in _contrast_notes(form):
                flash(note)
            flash("Branding saved.")
            return redirect(url_for("admin_branding.edit"))
    return (
        render_template(
            "admin/branding/edit.html",
            form=form,
            tenant_row=tenant,
            contrast=_contrast_notes(form),
            preview_brand={
                f.name: text_on(f.data)
                for f in (form.brand_color, form.accent_color)
                if not f.errors and f.data
            },
        ),
        form_status(form),
    )


def _save(tenant: Tenant, form: BrandingForm, cleaned: dict[str, CleanImage]) -> None:
    tenant.theme = form.theme.data
    tenant.brand_color = (form.brand_color.data or "").lower()  # InputRequired and Regexp
    tenant.accent_color = (form.accent_color.data or "").lower()
    tenant.portal_name = " ".join((form.portal_name.data or "").split())
    tenant.support_email = (form.support_email.data or "").strip()
    for field_name, (kind, _column) in IMAGES.items():
        image = cleaned.get(field_name)
        if image is not None or getattr(form, f"remove_{field_name}").data:
            set_image(tenant, kind, image)  # the replaced file goes after the commit
    db.session.commit()


@bp.post("/preview")
@settings_permission_required
def preview() -> ResponseReturnValue:
    """The portal as a client would see it with the unsaved values (opened in a new tab)."""
    form = BrandingForm()
    if not form.validate_on_submit():
        errors = "; ".join(e for f in form for e in f.errors) or "Invalid form."
        plain = {"Content-Type": "text/plain; charset=utf-8"}
        return f"Cannot preview: {errors}", UNPROCESSABLE, plain
    snapshot = dataclasses.replace(
        get_current_tenant(),
        theme=form.theme.data,
        brand_color=(form.brand_color.data or "").lower(),
        accent_color=(form.accent_color.data or "").lower(),
        portal_name=" ".join((form.portal_name.data or "").split()),
        support_email=(form.support_email.data or "").strip(),
    )
    g.brand_tenant = snapshot
    if form.preview_page.data == "home":
        account = SimpleNamespace(id=0, name="Sample Household")
        user = SimpleNamespace(display_name="Alex Sample")
        return render_themed(
            snapshot.theme,
            "portal/home.html",
            tenant=snapshot,
            show_welcome=True,
            accounts=[account],
            account=account,
            current_user=user,
        )
    return render_themed(
        snapshot.theme,
        "access/sign_in.html",
        tenant=snapshot,
        form=SignInForm(formdata=None),
        signup_open=snapshot.signup_mode == SignupMode.OPEN,
    )
