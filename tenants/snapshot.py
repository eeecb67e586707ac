from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TenantSnapshot:
    """What a request needs to know about its tenant; immutable, safe to cache across requests."""

    id: int
    slug: str
    name: str
    theme: str
    signup_mode: str
    canonical_host: str
    welcome_message: str
