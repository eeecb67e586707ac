from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from portal.auth.passwords import MAX_LENGTH


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=MAX_LENGTH)])


class CreateTenantForm(FlaskForm):
    slug = StringField("Slug", validators=[InputRequired(), Length(max=64)])
    name = StringField("Firm name", validators=[InputRequired(), Length(max=120)])
    owner_email = EmailField("Owner email", validators=[InputRequired(), Length(max=320)])


class SetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[InputRequired()])
    confirm = PasswordField(
        "Confirm password",
        validators=[InputRequired(), EqualTo("password", message="The passwords do not match.")],
    )
