"""Message text to HTML: everything escaped, http(s) links made clickable, line breaks kept."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# A link runs to the next space or quote; trailing punctuation is left to the sentence.
_LINK = re.compile(r"""\bhttps?://[^\s<>"']+""", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"
REL = "noopener noreferrer nofollow"


def message_html(body: str | None) -> Markup:
    """The message as safe HTML. Escaping happens per piece, so a link's text and address are
    escaped too and no user markup ever reaches the page."""
    text = body or ""
    parts: list[str] = []
    position = 0
    for match in _LINK.finditer(text):
        url = match.group(0)
        stripped = url.rstrip(_TRAILING)
        end = match.start() + len(stripped)
        parts.append(str(escape(text[position : match.start()])))
        href = escape(stripped)
        parts.append(
            f'<a href="{href}" rel="noopener noreferrer nofollow" target="_blank">{href}</a>'
        )
        position = end
    parts.append(str(escape(text[position:])))
    return Markup("<br>\n".join("".join(parts).split("\n")))
