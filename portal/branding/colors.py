"""Brand colours: positive validation and WCAG contrast, so tenant data never becomes CSS."""

from __future__ import annotations

import re
from dataclasses import dataclass

# \A…\Z, not ^…$: `$` also matches before a trailing newline, and the branding form's
# Regexp validator uses re.match, so "#aabbcc\n" was accepted and stored.
HEX_COLOR = re.compile(r"\A#[0-9a-fA-F]{6}\Z")
LIGHT_TEXT = "#ffffff"
DARK_TEXT = "#1d2430"
BLACK = "#000000"
AA_NORMAL = 4.5
# The page backgrounds brand-coloured text (links, headings) sits on, in every theme.
PAGE_BACKGROUNDS = ("#ffffff", "#f4f6f9", "#f7f8fa", "#f6f8fb")


def is_hex_color(value: str | None) -> bool:
    return bool(value) and bool(HEX_COLOR.fullmatch(value or ""))


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: str) -> float:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True, slots=True)
class TextOnColor:
    text: str
    ratio: float

    @property
    def passes_aa(self) -> bool:
        return self.ratio >= AA_NORMAL


def text_on(color: str) -> TextOnColor:
    """White or dark text, whichever reads better on `color` (text on brand backgrounds)."""
    candidates = [TextOnColor(t, contrast_ratio(color, t)) for t in (LIGHT_TEXT, DARK_TEXT)]
    return max(candidates, key=lambda c: c.ratio)


def mix(color: str, other: str, share: float) -> str:
    """`share` of `other` blended into `color` (0: color, 1: other), as #rrggbb."""
    channels = (
        round(int(color[i : i + 2], 16) * (1 - share) + int(other[i : i + 2], 16) * share)
        for i in (1, 3, 5)
    )
    return "#" + "".join(f"{c:02x}" for c in channels)


def readable_on(color: str, backgrounds: tuple[str, ...] = PAGE_BACKGROUNDS) -> str:
    """The brand colour for text on the page (links, headings): `color` itself when it reads at
    AA on every background, else the closest darker shade that does (a yellow brand gives a
    dark gold link, not an unreadable one)."""
    for step in range(21):
        shade = mix(color, BLACK, step / 20)
        if all(contrast_ratio(shade, background) >= AA_NORMAL for background in backgrounds):
            return shade
    return DARK_TEXT
