"""Non-HTML textual documents (JSON, XML, RSS/Atom, CSV, plain text): returned as text."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Sequence

from scrapegate.convert.content_format import content_document
from scrapegate.convert.json_v2 import Block, JsonV2Document, Section, json_v2_document
from scrapegate.convert.markdown import code_fence
from scrapegate.convert.metadata import PageMetadata
from scrapegate.convert.options import Converted, ConvertOptions, FormatValue
from scrapegate.convert.pagejson import build_page_json
from scrapegate.convert.quality import PageSignals, content_quality
from scrapegate.convert.rag import chunk_markdown
from scrapegate.convert.sections import apply_section_filter
from scrapegate.convert.words import count_words

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
HTML_SNIFF = re.compile(r"^\s*(?:<!doctype\s+html|<html|<head|<body|<!--)", re.IGNORECASE)
HTML_TAG_SNIFF = re.compile(r"<(?:html|body|div|p|head|title|meta|h1|a)\b", re.IGNORECASE)
FENCED_KINDS = {"json": "json", "xml": "xml", "csv": "csv"}
TEXT_FORMATS = frozenset({"markdown", "text", "html", "json", "json_v2", "rag", "content"})
NO_SIGNALS = PageSignals(password_field=False, paywall_markup=False)


def document_kind(media_type: str | None, body: str) -> str:
    """``html``, ``json``, ``xml``, ``csv`` or ``text``."""
    if media_type:
        essence = media_type.split(";")[0].strip().lower()
        if essence in HTML_TYPES:
            return "html"
        if essence.endswith("json") or essence.endswith("+json"):
            return "json"
        if essence.endswith("xml") or "rss" in essence or "atom" in essence:
            return "xml"
        if essence in ("text/csv", "application/csv"):
            return "csv"
        return "text"
    return _sniff(body)


def _sniff(body: str) -> str:
    head = body[:2048]
    stripped = head.lstrip()
    if HTML_SNIFF.match(head) or HTML_TAG_SNIFF.search(head):
        return "html"
    if stripped.startswith(("{", "[")):
        return "json"
    if stripped.startswith("<?xml") or stripped.startswith("<rss") or stripped.startswith("<feed"):
        return "xml"
    return "text"


def text_markdown(body: str, kind: str) -> str:
    language = FENCED_KINDS.get(kind)
    if language is None:
        return body
    code = body.strip("\n")
    fence = code_fence(code)
    return f"{fence}{language}\n{code}\n{fence}"


def _sections(body: str, kind: str) -> list[Section]:
    blocks: list[Block]
    if kind in FENCED_KINDS:
        blocks = [{"type": "code", "language": FENCED_KINDS[kind], "text": body.strip("\n")}]
    else:
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body)]
        blocks = [{"type": "paragraph", "text": p} for p in paragraphs if p]
    return [{"id": "s1", "heading": None, "path": [], "blocks": blocks, "children": []}]


def _json_v2(body: str, kind: str, url: str, options: ConvertOptions, words: int) -> JsonV2Document:
    sections = _sections(body, kind)
    rules = options.section_filter
    if rules is not None:
        sections = apply_section_filter(sections, rules)
    return json_v2_document(
        url=url,
        title=None,
        language=None,
        sections=sections,
        links=[],
        content_only=rules is not None and rules.content_only,
        word_count=words,
    )


def empty_metadata() -> PageMetadata:
    """Text documents have no metadata; ``keywords`` follows ``modified_at`` in their object."""
    return {
        "title": None,
        "description": None,
        "language": None,
        "canonical_url": None,
        "favicon": None,
        "site_name": None,
        "image": None,
        "robots": None,
        "author": None,
        "published_at": None,
        "modified_at": None,
        "keywords": [],
        "open_graph": {},
        "twitter": {},
        "meta": {},
    }


def _format_value(
    name: str, body: str, kind: str, url: str, options: ConvertOptions, words: int
) -> FormatValue:
    markdown = text_markdown(body, kind)
    if name == "markdown":
        return markdown
    if name == "text":
        return body
    if name == "html":
        return f"<pre>{html_lib.escape(body)}</pre>"
    if name == "json":
        return build_page_json(
            url=url,
            metadata=empty_metadata(),
            entities=[],
            main_text=body,
            word_count=words,
            promote=False,
        )
    if name == "json_v2":
        return _json_v2(body, kind, url, options, words)
    if name == "rag":
        return chunk_markdown(
            markdown,
            final_url=url,
            max_tokens=options.rag_chunk_tokens,
            overlap_tokens=options.rag_overlap_tokens,
        )
    return content_document(markdown, words, [], [])


def convert_text_document(
    body: str, *, kind: str, url: str, formats: Sequence[str], options: ConvertOptions
) -> Converted:
    words = count_words(body)
    quality = content_quality(
        main_text=body,
        word_count=words,
        html_bytes=len(body.encode("utf-8")),
        image_count=0,
        link_count=0,
        main_found=False,
        signals=NO_SIGNALS,
    )
    return Converted(
        formats={
            name: _format_value(name, body, kind, url, options, words)
            for name in formats
            if name in TEXT_FORMATS
        },
        markdown=text_markdown(body, kind),
        metadata=dict(empty_metadata()),
        title=None,
        description=None,
        language=None,
        author=None,
        published_at=None,
        content_quality=quality,
        word_count=words,
        truncation_reason=None,
    )
