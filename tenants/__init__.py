from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from tenants import resolution

    resolution.init_app(app)
