"""Markdown written by staff or clients to safe HTML, for lessons and community posts.

Two locks, so neither alone has to be perfect: markdown-it-py parses with raw HTML disabled
(any `<script>` is shown as text) and nh3 then keeps only an allow-list of tags and attributes,
links only to http, https and mailto, each with `rel="noopener noreferrer nofollow"`. Images
are off: the portal's CSP allows no third-party images, and a remote image would tell another
server who read the page.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Longest text rendered; forms refuse more with a message, this only bounds the work.
MARKDOWN_MAX_CHARS = 50_000

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        "s",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

_PARSER = (
    MarkdownIt("commonmark", {"html": False, "typographer": False})
    .enable(["table", "strikethrough"])
    .disable("image")
)


def render_markdown(text: str | None) -> Markup:
    """The text as sanitised HTML. Input past `MARKDOWN_MAX_CHARS` is cut, never rendered."""
    source = (text or "")[:MARKDOWN_MAX_CHARS]
    html = _PARSER.render(source)
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        url_relative="deny",
        link_rel=LINK_REL,
    )
    return Markup(cleaned)  # noqa: S704 - nh3 output: allow-listed tags and schemes only
