from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from admin import cli, firm_views, operator_views

    app.register_blueprint(operator_views.bp)
    app.register_blueprint(firm_views.bp)
    for command in cli.COMMANDS:
        app.cli.add_command(command)
