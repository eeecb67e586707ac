from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from admin import cli, clients_views, domain_views, firm_views, operator_views, settings_views

    for module in (operator_views, firm_views, clients_views, settings_views, domain_views):
        app.register_blueprint(module.bp)
    from admin import mail_domain_views

    app.register_blueprint(mail_domain_views.bp)
    from admin import branding_views, module_views

    app.register_blueprint(branding_views.bp)
    app.register_blueprint(module_views.bp)
    for command in cli.COMMANDS:
        app.cli.add_command(command)
