"""Error pages (filled in below) — placeholder during the move."""

from __future__ import annotations

from flask import Flask, render_template


def init_app(app: Flask) -> None:
    app.register_error_handler(404, _not_found)


def _not_found(_error: Exception):  # type: ignore[no-untyped-def]
    return render_template("errors/404.html"), 404
