"""Every job runs in a fresh application context: new `g`, new database session."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import Flask, has_app_context
from flask.globals import app_ctx

P = ParamSpec("P")
R = TypeVar("R")


def job(func: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        app = app_ctx.app if has_app_context() else _worker_app()
        with app.app_context():
            return func(*args, **kwargs)

    return run


@functools.cache
def _worker_app() -> Flask:
    """Only for a plain `rq worker` (no app context): `foyer worker` jobs inherit one."""
    from portal.app import create_app  # the factory imports every job: import it lazily

    return create_app()
