from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from tenants import resolution, tls

    resolution.init_app(app)
    app.register_blueprint(tls.bp)
