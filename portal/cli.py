"""The `foyer` console script: the Flask CLI of the application."""

from __future__ import annotations

import os

from flask import Flask
from flask.cli import FlaskGroup


def _create_app() -> Flask:
    from portal.app import create_app  # the factory imports every package: only when run

    return create_app()


def main() -> None:
    os.environ.setdefault("FLASK_APP", "wsgi")
    FlaskGroup(create_app=_create_app, help="Foyer: the white-label client portal.").main()


if __name__ == "__main__":
    main()
