"""The application factory: the one place that puts every package together, in order."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask

import admin
import tenants
import themes
from jobs import queue, tasks
from portal import api, clients, web
from portal.auth import principals
from portal.core import database, errors, http, i18n, ratelimit, redis_store, storage
from portal.core.config import load_config
from portal.core.extensions import csrf, db, mail, migrate
from themes.loader import ThemedEnvironment


class FoyerFlask(Flask):
    jinja_environment = ThemedEnvironment

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._synced: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Flask inspects each hook and view on every request; the answer never changes."""
        synced = self._synced.get(func)
        if synced is None:
            if len(self._synced) > 10_000:  # only per-request closures could fill it
                self._synced.clear()
            synced = self._synced[func] = super().ensure_sync(func)
        return synced


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build a Foyer app; tests pass overrides, production reads the environment."""
    app = FoyerFlask("portal", instance_relative_config=True, static_folder=None)
    load_config(app, overrides)
    db.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir(), render_as_batch=True)
    mail.init_app(app)
    csrf.init_app(app)
    principals.init_app(app)
    for package in (
        database,
        i18n,
        redis_store,
        http,
        ratelimit,
        errors,
        tenants,
        themes,
        storage,
        queue,
        clients,
        tasks,
        web,
        api,
        admin,
    ):
        package.init_app(app)
    return app


def _migrations_dir() -> str:
    return str(Path(__file__).resolve().parent.parent / "migrations")
