"""The client-facing pages of each portal module, and the navigation built from them."""

from __future__ import annotations

from flask import Blueprint, Flask

from portal.files.uploads import raise_body_limit
from portal.messaging.text import message_html
from portal.web.modules import (
    community,
    courses,
    files,
    history,
    invoices,
    links,
    messages,
    placeholders,
    referrals,
    requests,
)
from portal.web.modules.nav import nav_items

BLUEPRINTS: tuple[Blueprint, ...] = (
    messages.bp,
    requests.bp,
    files.bp,
    invoices.bp,
    placeholders.help,
    links.bp,
    community.bp,
    courses.bp,
    referrals.bp,
    referrals.links,
    history.bp,
)


def init_app(app: Flask) -> None:
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    app.jinja_env.globals["portal_nav"] = nav_items
    app.url_value_preprocessor(raise_body_limit)  # before CSRF reads an upload's body
    app.jinja_env.filters["message_text"] = message_html
