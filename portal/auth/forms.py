from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from portal.auth.passwords import MAX_LENGTH


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=MAX_LENGTH)])


class SetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[InputRequired()])
    confirm = PasswordField(
        "Confirm password",
        validators=[InputRequired(), EqualTo("password", message="The passwords do not match.")],
    )


class EmailForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=320)])
