"""Themes: code-reviewed template and static folders (`default`, `harbor`), the loader that
resolves `@<theme>/<path>` through a theme's parent chain, and theme statics. Imports nothing
of the other packages: tenant branding is data passed to templates."""

from __future__ import annotations

import functools
import hashlib
import os

from flask import Blueprint, Flask, Response, abort, request, send_from_directory, url_for
from jinja2 import BaseLoader, ChoiceLoader
from werkzeug.security import safe_join

from themes.loader import ThemeLoader
from themes.registry import THEMES, theme_chain

bp = Blueprint("themes", __name__)
STATIC_MAX_AGE = 3600
FINGERPRINTED_MAX_AGE = 365 * 86400  # the URL names the content: a new file is a new URL


def init_app(app: Flask) -> None:
    loaders: list[BaseLoader] = [ThemeLoader()]
    if app.jinja_loader is not None:  # the app's own templates/ folder
        loaders.append(app.jinja_loader)
    app.jinja_loader = ChoiceLoader(loaders)
    app.jinja_env.globals["theme_static"] = theme_static
    app.register_blueprint(bp)


@bp.get("/_themes/<theme>/<path:filename>")
def static(theme: str, filename: str) -> Response:
    path = _resolve(theme, filename)
    if path is None:
        abort(404)
    folder, name = path
    fingerprinted = request.args.get("v") == _fingerprint(theme, filename)
    response = send_from_directory(
        folder, name, max_age=FINGERPRINTED_MAX_AGE if fingerprinted else STATIC_MAX_AGE
    )
    if fingerprinted:
        response.cache_control.immutable = True
    return response


def theme_static(theme: str, filename: str) -> str:
    """The file's URL with its content's fingerprint, so browsers keep it for a year."""
    fingerprint = _fingerprint(theme, filename)
    if fingerprint is None:
        return url_for("themes.static", theme=theme, filename=filename)
    return url_for("themes.static", theme=theme, filename=filename, v=fingerprint)


@functools.cache
def _fingerprint(theme: str, filename: str) -> str | None:
    """Theme files change only with a deploy (a new process), so once per process is enough."""
    path = _resolve(theme, filename)
    if path is None:
        return None
    with open(os.path.join(*path), "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def _resolve(theme: str, filename: str) -> tuple[str, str] | None:
    """(folder, filename) of the first theme in the chain that has the file."""
    if theme not in THEMES:
        return None
    for candidate in theme_chain(theme):
        folder = str(candidate.folder / "static")
        path = safe_join(folder, filename)
        if path is not None and _is_file(path):
            return folder, filename
    return None


def _is_file(path: str) -> bool:
    return os.path.isfile(path)
