"""Jobs for the fault suite's workers (importable by a `foyer worker` subprocess)."""

from __future__ import annotations

import time
from pathlib import Path


def hold_the_worker(marker: str, seconds: float) -> None:
    """Mark that the job started, then keep the worker busy."""
    Path(marker).touch()
    time.sleep(seconds)
