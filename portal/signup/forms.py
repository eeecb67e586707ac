from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from portal.auth.passwords import MAX_LENGTH


class SignupForm(FlaskForm):
    name = StringField("Full name", validators=[InputRequired(), Length(max=200)])
    email = EmailField("Email", validators=[InputRequired(), Length(max=320)])
    company = StringField("Company name", validators=[Length(max=200)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=MAX_LENGTH)])
    confirm = PasswordField(
        "Confirm password",
        validators=[InputRequired(), EqualTo("password", message="The passwords do not match.")],
    )


class CodeForm(FlaskForm):
    code = StringField("Verification code", validators=[InputRequired(), Length(max=20)])
