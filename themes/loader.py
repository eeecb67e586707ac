"""Themed template names: `@<theme>/<path>` looks in the theme, then its parents.

`@<theme>~/<path>` skips the theme itself ("the next theme down"), so a theme can extend the
template it overrides. Plain names (admin, errors, `shared/` macros) never go through themes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from flask import current_app, render_template
from flask.templating import Environment
from jinja2 import BaseLoader, Template, TemplateNotFound
from jinja2 import Environment as JinjaEnvironment
from werkzeug.security import safe_join

from themes.registry import theme_chain


def split_name(name: str) -> tuple[str, bool, str]:
    head, _, path = name[1:].partition("/")
    return head.rstrip("~"), head.endswith("~"), path


class ThemeLoader(BaseLoader):
    def get_source(
        self, environment: JinjaEnvironment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if not template.startswith("@"):
            raise TemplateNotFound(template)
        theme, skip_self, path = split_name(template)
        chain = theme_chain(theme)[1 if skip_self else 0 :]
        for candidate in chain:
            filename = safe_join(str(candidate.folder / "templates"), path)
            if filename is None:
                break
            try:
                with open(filename, encoding="utf-8") as handle:
                    source = handle.read()
            except (FileNotFoundError, IsADirectoryError):
                continue
            mtime = _mtime(filename)
            return source, filename, lambda f=filename, m=mtime: _mtime(f) == m
        raise TemplateNotFound(template)


def _mtime(filename: str) -> float:
    try:
        return os.path.getmtime(filename)
    except OSError:
        return -1.0


class ThemedEnvironment(Environment):
    def join_path(self, template: str, parent: str) -> str:
        if template.startswith(("@", "shared/")) or not parent.startswith("@"):
            return template
        theme, _, _ = split_name(parent)
        if template.startswith("~"):
            return f"@{theme}~/{template[1:]}"
        return f"@{theme}/{template}"


def render_themed(theme: str, template: str, **context: Any) -> str:
    return render_template(f"@{theme}/{template}", **context)


def themed_template(theme: str, template: str) -> Template:
    """A themed template to render with only its own context: no context processors run, so
    nothing reads the database (error pages must work while it is down)."""
    return current_app.jinja_env.get_template(f"@{theme}/{template}")
