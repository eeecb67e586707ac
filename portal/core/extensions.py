"""Extension singletons, created unbound and initialised in create_app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app, request
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect as FlaskWTFCSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class CSRFProtect(FlaskWTFCSRFProtect):
    """Flask-WTF's check, but safe methods return before its per-request exemption lookups."""

    def protect(self, apply_exemptions: bool = False) -> None:
        if request.method in current_app.config["WTF_CSRF_METHODS"]:
            super().protect(apply_exemptions)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)

# Models subclass `Model`. At runtime it is `db.Model` (Base plus Flask-SQLAlchemy's table
# naming, bind key and query property); type checkers cannot subclass an attribute of an
# instance (python/mypy#8603), so they see the typed `Base` it is built from.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
mail = Mail()
csrf = CSRFProtect()
