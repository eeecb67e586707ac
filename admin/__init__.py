from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from admin import cli, clients_views, firm_views, operator_views, settings_views

    for module in (operator_views, firm_views, clients_views, settings_views):
        app.register_blueprint(module.bp)
    for command in cli.COMMANDS:
        app.cli.add_command(command)
