from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from portal.auth.passwords import MAX_LENGTH


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=320)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=MAX_LENGTH)])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[InputRequired()])
    confirm = PasswordField(
        _l("Confirm password"),
        validators=[
            InputRequired(),
            EqualTo("password", message=_l("The passwords do not match.")),
        ],
    )


class EmailForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=320)])
