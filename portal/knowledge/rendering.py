"""Article bodies: Markdown rendered to HTML and sanitized with nh3; plain text for search."""

from __future__ import annotations

import html
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML in Markdown is off: editors write Markdown, and nh3 still cleans the
# output, so no script, event handler or javascript: URL survives either way.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"},
                      "ol": {"start"}}


@lru_cache(maxsize=2048)
def _render(text: str) -> str:
    out = _md.render(text or "")
    # h1 is the article title; headings inside a body start at h2.
    out = out.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(out, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto", "tel"},
                     link_rel="noopener noreferrer nofollow")


def render_markdown(text: str) -> Markup:
    """Safe HTML for an article body written in Markdown."""
    return Markup(_render(text))


@lru_cache(maxsize=4096)
def plain_text(text: str) -> str:
    """The body's words without Markdown syntax or markup (for the index and snippets)."""
    # Block tags end with a newline in markdown-it's output, so words never glue.
    stripped = nh3.clean(_md.render(text or ""), tags=set(), attributes={})
    return " ".join(html.unescape(stripped).split())
