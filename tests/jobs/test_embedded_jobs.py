"""Embedded mode (no REDIS_URL): a request's jobs run after its response, in their own context."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask

from jobs.queue import enqueue, register_jobs
from tenants.resolution import any_host

RAN: list[tuple[str, Any]] = []


def remember(label: str) -> None:
    from flask import g, has_request_context

    RAN.append((label, has_request_context() or g.get("marker")))


def _app_with_route(make_app) -> Flask:  # type: ignore[no-untyped-def]
    app: Flask = make_app()
    register_jobs(app, [remember])
    bp = Blueprint("probe", __name__)

    @bp.get("/probe")
    @any_host
    def probe() -> str:
        from flask import g

        g.marker = "request g"
        enqueue("remember", "by name")
        enqueue(remember, "by function")
        assert RAN == [], "not inside the request"
        return "page"

    app.register_blueprint(bp)
    return app


def test_request_jobs_run_after_the_response_outside_the_request(make_app, platform):
    RAN.clear()
    app = _app_with_route(make_app)
    client = app.test_client(host=platform.host)
    response = client.get("/probe")
    assert response.get_data(as_text=True) == "page"
    # Each job ran after the body was produced, with no request context and a fresh `g`.
    assert RAN == [("by name", None), ("by function", None)]


def test_unknown_job_names_fail_loudly(app):
    import pytest

    with pytest.raises(LookupError, match="no job named 'nope'"):
        enqueue("nope")
