from __future__ import annotations

from flask import request


def safe_next(default: str) -> str:
    """Only same-site relative paths are followed after sign-in (no open redirects)."""
    target = request.args.get("next", "")
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default
