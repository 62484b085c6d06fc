"""Comment markdown to safe HTML: a small markdown subset, then an allow-list sanitiser."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "code", "pre", "a", "ul", "ol", "li", "blockquote"}
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# Visitors' links must not pass ranking to spam targets nor reach back into the page.
LINK_REL = "nofollow noopener"

# Raw HTML off: "<script>" stays text. Images off: visitors cannot make readers load URLs.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).disable("image")


def render_comment(markdown: str) -> str:
    """Sanitised HTML of a comment; the sanitiser runs even though raw HTML is already off."""
    html = _MARKDOWN.render(markdown)
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(LINK_SCHEMES),
        link_rel=LINK_REL,
    ).strip()
