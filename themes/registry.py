from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

THEMES_DIR = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class Theme:
    key: str
    label: str
    parent: str | None

    @property
    def folder(self) -> Path:
        return THEMES_DIR / self.key


THEMES: dict[str, Theme] = {
    theme.key: theme
    for theme in (
        Theme("default", "Classic (sidebar)", None),
        Theme("harbor", "Harbor (top navigation)", "default"),
    )
}


def theme_chain(key: str) -> list[Theme]:
    """The theme and its ancestors, most specific first; unknown keys fall back to default."""
    chain: list[Theme] = []
    theme: Theme | None = THEMES.get(key, THEMES["default"])
    while theme is not None:
        chain.append(theme)
        theme = THEMES[theme.parent] if theme.parent else None
    return chain
