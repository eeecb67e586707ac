"""One shape for "waiting for you" items, so each module can contribute to the client's home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class WaitingItem:
    """Something the client should do, with the one link that does it.

    `kind` groups items on the page ("document", "request", "message", "invoice"); `due` sorts
    them (items without a due date come after dated ones, newest first by `since`).
    """

    kind: str
    title: str
    detail: str
    url: str
    action: str
    since: datetime
    due: datetime | None = None
