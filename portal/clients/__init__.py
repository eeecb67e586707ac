"""Domain: client accounts, contacts and their portal access, invitations, password resets,
statuses and the pending-activation list, and notices to the firm's managers."""

from __future__ import annotations

from flask import Flask

from portal.clients import email_checks


def init_app(app: Flask) -> None:
    email_checks.init_app(app)
