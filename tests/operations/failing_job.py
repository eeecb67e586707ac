"""A job that always fails, for the health page's failed-job list (imported by the RQ worker)."""

from __future__ import annotations

MARKER = "ledger sync refused by marker-7731"


def always_fails(label: str) -> None:
    raise RuntimeError(f"{MARKER} ({label})")
