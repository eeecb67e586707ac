"""Interface: the web pages on tenant hosts that clients use (home, sign-in and invitations,
sign-up, the module pages, brand images), plus the platform's health probe. Views parse input,
call domain services and render themed templates; they hold no business rules."""

from __future__ import annotations

from flask import Blueprint, Flask, g

from portal.web import (
    access,
    actions,
    branding,
    documents,
    error_pages,
    health,
    home,
    locale,
    modules,
    notifications,
    passwordless,
    payments,
    previewing,
    profile,
    security,
    signup,
    teammates,
)

BLUEPRINTS: tuple[Blueprint, ...] = (home.bp, access.bp, signup.bp, health.bp)
BLUEPRINTS += (teammates.bp,)
BLUEPRINTS += (documents.bp, actions.bp)
BLUEPRINTS += (notifications.bp,)
BLUEPRINTS += (payments.bp,)
BLUEPRINTS += (security.bp,)
BLUEPRINTS += (profile.bp, passwordless.bp)


def init_app(app: Flask) -> None:
    previewing.init_app(app)  # first: a preview decides who the signed-in user is
    locale.init_app(app)  # then the language, which may be the signed-in client's choice
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    branding.init_app(app)
    error_pages.init_app(app)
    modules.init_app(app)
    app.context_processor(lambda: {"tenant": g.get("tenant")})
