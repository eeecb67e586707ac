"""Forms for Settings > Branding and Settings > Modules (kept apart from admin/forms.py)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, Regexp

from portal.branding.colors import HEX_COLOR
from themes.registry import THEMES

COLOR_MESSAGE = "Enter a colour as # followed by six hex digits, for example #1f4e79."


def _colour(label: str) -> StringField:
    return StringField(
        label,
        validators=[InputRequired(message=COLOR_MESSAGE), Regexp(HEX_COLOR, message=COLOR_MESSAGE)],
    )


class BrandingForm(FlaskForm):
    theme = SelectField("Theme", choices=[SelectChoice(t.key, t.label) for t in THEMES.values()])
    brand_color = _colour("Brand colour")
    accent_color = _colour("Accent colour")
    portal_name = StringField("Portal name", validators=[Length(max=120)])
    support_email = EmailField("Support email", validators=[Optional(), Length(max=320), Email()])
    logo = FileField("Logo")
    login_image = FileField("Sign-in page image")
    favicon = FileField("Favicon")
    remove_logo = BooleanField("Remove the logo")
    remove_login_image = BooleanField("Remove the sign-in image")
    remove_favicon = BooleanField("Remove the favicon")
    preview_page = SelectField(
        "Preview page",
        choices=[SelectChoice("sign-in", "Sign-in page"), SelectChoice("home", "Client home")],
        validate_choice=False,
    )


class LinkForm(FlaskForm):
    title = StringField("Title", validators=[InputRequired(), Length(max=60)])
    url = StringField("Web address (http or https)", validators=[InputRequired()])
    mode = SelectField(
        "Opens",
        choices=[
            SelectChoice("tab", "In a new tab"),
            SelectChoice("embed", "Inside the portal (embedded)"),
        ],
    )
