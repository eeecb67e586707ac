"""Settings › Languages: the language a firm's portal and client emails use by default, and the
languages its clients may choose (portal.clients.languages). Staff pages stay English."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.widgets import CheckboxInput, ListWidget

from admin.access import settings_permission_required
from portal.clients.languages import SUPPORTED, clean_offered, default_language, offered
from portal.core.errors import UserError, form_status, show_on_form
from portal.core.extensions import db
from tenants.context import current_tenant
from tenants.resolution import tenant_row

bp = Blueprint("admin_languages", __name__, url_prefix="/admin/settings/languages")

CHOICES = [SelectChoice(code, f"{name} ({code})") for code, name in SUPPORTED.items()]


class LanguagesForm(FlaskForm):
    default_language = SelectField("Default language", choices=CHOICES)
    offered = SelectMultipleField(
        "Languages clients may choose",
        choices=CHOICES,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


@bp.route("", methods=["GET", "POST"])
@settings_permission_required
def index() -> ResponseReturnValue:
    tenant = tenant_row(current_tenant)
    form = LanguagesForm(
        data={"default_language": default_language(tenant), "offered": offered(tenant)}
    )
    if form.validate_on_submit():
        default = form.default_language.data or ""
        try:
            tenant.languages = clean_offered(form.offered.data or [], default)
        except UserError as exc:
            show_on_form(form, exc)
        else:
            tenant.default_language = default
            db.session.commit()  # the tenant cache forgets the old snapshot after the commit
            flash("Language settings saved.", "success")
            return redirect(url_for("admin_languages.index"))
    return render_template("admin/languages/index.html", form=form), form_status(form)
