"""The baseline: a bare Flask app serving the same robots.txt as Foyer's tenant hosts."""

from __future__ import annotations

from flask import Flask

ROBOTS = "User-agent: *\nDisallow: /\n"

app = Flask(__name__)


@app.get("/robots.txt")
def robots():  # type: ignore[no-untyped-def]
    return ROBOTS, 200, {"Content-Type": "text/plain; charset=utf-8"}


@app.get("/hello")
def hello():  # type: ignore[no-untyped-def]
    """The page benchmark's floor: the least a Flask view can do."""
    return "Hello, World!"
