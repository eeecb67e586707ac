"""Themes: code-reviewed template and static folders (`default`, `harbor`), the loader that
resolves `@<theme>/<path>` through a theme's parent chain, and theme statics. Imports nothing
of the other packages: tenant branding is data passed to templates."""

from __future__ import annotations

import os

from flask import Blueprint, Flask, Response, abort, send_from_directory, url_for
from jinja2 import BaseLoader, ChoiceLoader
from werkzeug.security import safe_join

from themes.loader import ThemeLoader
from themes.registry import THEMES, theme_chain

bp = Blueprint("themes", __name__)
STATIC_MAX_AGE = 3600


def init_app(app: Flask) -> None:
    loaders: list[BaseLoader] = [ThemeLoader()]
    if app.jinja_loader is not None:  # the app's own templates/ folder
        loaders.append(app.jinja_loader)
    app.jinja_loader = ChoiceLoader(loaders)
    app.jinja_env.globals["theme_static"] = theme_static
    app.register_blueprint(bp)


@bp.get("/_themes/<theme>/<path:filename>")
def static(theme: str, filename: str) -> Response:
    if theme not in THEMES:
        abort(404)
    for candidate in theme_chain(theme):
        folder = str(candidate.folder / "static")
        path = safe_join(folder, filename)
        if path is not None and _is_file(path):
            return send_from_directory(folder, filename, max_age=STATIC_MAX_AGE)
    abort(404)


def theme_static(theme: str, filename: str) -> str:
    return url_for("themes.static", theme=theme, filename=filename)


def _is_file(path: str) -> bool:
    return os.path.isfile(path)
