"""Interface: the web pages on tenant hosts that clients use (home, sign-in and invitations,
sign-up, the module pages, brand images), plus the platform's health probe. Views parse input,
call domain services and render themed templates; they hold no business rules."""

from __future__ import annotations

from flask import Blueprint, Flask, g

from portal.web import access, branding, error_pages, health, home, modules, signup

BLUEPRINTS: tuple[Blueprint, ...] = (home.bp, access.bp, signup.bp, health.bp)


def init_app(app: Flask) -> None:
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    branding.init_app(app)
    error_pages.init_app(app)
    modules.init_app(app)
    app.context_processor(lambda: {"tenant": g.get("tenant")})
