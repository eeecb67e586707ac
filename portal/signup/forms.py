from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from portal.auth.passwords import MAX_LENGTH


class SignupForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[InputRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=320)])
    company = StringField(_l("Company name"), validators=[Length(max=200)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=MAX_LENGTH)])
    confirm = PasswordField(
        _l("Confirm password"),
        validators=[
            InputRequired(),
            EqualTo("password", message=_l("The passwords do not match.")),
        ],
    )


class CodeForm(FlaskForm):
    code = StringField(_l("Verification code"), validators=[InputRequired(), Length(max=20)])
