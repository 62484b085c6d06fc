"""Plain-text excerpts of knowledge-base search hits.

Ranking happens in the repositories (``KbRepository.search``: FTS5, PostgreSQL full text, or
BM25 in memory); this module turns a hit's markdown body into the plain-text snippet shown
around the first query word.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from scrapegate.domain.kb_records import search_terms

EXCERPT_BEFORE = 60
EXCERPT_AFTER = 140
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MARKDOWN = MarkdownIt("commonmark")


def plain_text(markdown: str) -> str:
    """The readable text of a markdown body: inline text and code, blocks joined by spaces."""
    parts: list[str] = []
    for token in _MARKDOWN.parse(markdown):
        if token.type in ("fence", "code_block"):
            parts.append(token.content.strip())
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def excerpt(text: str, query: str) -> str:
    """A snippet of plain ``text`` around the first word of ``query`` (its start if none)."""
    wanted = set(search_terms(query))
    first = next((m for m in _WORD.finditer(text) if m.group().lower() in wanted), None)
    if first is None:
        start, end = 0, EXCERPT_BEFORE + EXCERPT_AFTER
    else:
        start, end = max(first.start() - EXCERPT_BEFORE, 0), first.end() + EXCERPT_AFTER
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < (first.start() if first else end) else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > (first.end() if first else start) else end
    snippet = text[start:end].strip()
    return ("… " if start > 0 else "") + snippet + (" …" if end < len(text) else "")


def body_excerpt(markdown: str, query: str) -> str:
    return excerpt(plain_text(markdown), query)
