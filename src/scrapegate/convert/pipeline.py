"""convert_document: one parse, one main-content extraction, then the requested formats.

``convert_parsed`` converts from a parse the caller made (and may read first).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from scrapegate.convert.content_format import ContentDocument, content_document
from scrapegate.convert.dom import (
    ParsedPage,
    body_of,
    clean_body,
    flat_text,
    parse_html,
    text_of,
)
from scrapegate.convert.htmlformat import clean_html
from scrapegate.convert.inventory import (
    ImageRecord,
    LinkEntry,
    LinkRecord,
    collect_images,
    collect_links,
    content_links,
    describe_images,
    describe_links,
)
from scrapegate.convert.mainblock import MainContent, extract_main
from scrapegate.convert.markdown import MarkdownRenderer
from scrapegate.convert.metadata import PageMetadata, extract_metadata
from scrapegate.convert.options import Converted, ConvertOptions, FormatValue
from scrapegate.convert.page_facts import collect_page_facts, with_main_content
from scrapegate.convert.page_links import page_links
from scrapegate.convert.pagejson import build_page_json
from scrapegate.convert.quality import content_quality, page_signals
from scrapegate.convert.rag import chunk_markdown
from scrapegate.convert.schemaorg import all_entities, json_ld_entities
from scrapegate.convert.sections import build_json_v2
from scrapegate.convert.textdocs import convert_text_document, document_kind
from scrapegate.convert.words import count_words, markdown_text
from scrapegate.domain.json_types import JsonObject
from scrapegate.domain.page_facts import PageFacts

Element = etree._Element

logger = logging.getLogger(__name__)

MARKDOWN_OUTPUT_CAP = 5 * 1024 * 1024
MIN_VISIBLE_WORDS = 50
KNOWN_FORMATS = frozenset({"markdown", "text", "html", "json", "json_v2", "rag", "content"})


@dataclass
class MainOutput:
    """The main content of an HTML page and its markdown (with and without the envelope)."""

    main: MainContent
    body_markdown: str
    markdown: str
    truncation_reason: str | None


def with_envelope(body_markdown: str, title: str | None) -> str:
    """Prefix ``# <title>`` unless the content already starts with an H1."""
    if not title or body_markdown.startswith("# "):
        return body_markdown
    return f"# {title}\n\n{body_markdown}" if body_markdown else f"# {title}"


def cap_markdown(markdown: str) -> tuple[str, bool]:
    """Cut markdown above 5 MiB at the last block boundary below the cap."""
    data = markdown.encode("utf-8")
    if len(data) <= MARKDOWN_OUTPUT_CAP:
        return markdown, False
    head = data[:MARKDOWN_OUTPUT_CAP].decode("utf-8", "ignore")
    cut = head.rfind("\n\n")
    return (head[:cut] if cut > 0 else head), True


def _main_output(
    page: ParsedPage, html: str, options: ConvertOptions, title: str | None, body: Element
) -> MainOutput:
    cleaned = clean_body(
        body,
        remove_cookie_banners=options.remove_cookie_banners,
        include_selectors=options.include_selectors,
        exclude_selectors=options.exclude_selectors,
    )
    if options.only_main_content:
        main = extract_main(cleaned)
    else:
        main = MainContent([cleaned.body], False, 0)
    renderer = MarkdownRenderer(page.base_url, drop_data_images=options.remove_base64_images)
    body_md = renderer.render(main.roots)
    if not body_md.strip() and options.only_main_content:
        body_md, main = _whole_body_markdown(html, page.base_url, options, main)
    body_md, capped = cap_markdown(body_md)
    reason = "readability_output_cap" if capped else None
    if reason is None and page.truncated_input:
        reason = "readability_input_cap"
    return MainOutput(main, body_md, with_envelope(body_md, title), reason)


def _whole_body_markdown(
    html: str, url: str, options: ConvertOptions, main: MainContent
) -> tuple[str, MainContent]:
    """A page with visible words never yields empty markdown: render its whole cleaned body."""
    fresh = parse_html(html, url)
    cleaned = clean_body(
        body_of(fresh.root),
        remove_cookie_banners=options.remove_cookie_banners,
        include_selectors=options.include_selectors,
        exclude_selectors=options.exclude_selectors,
    )
    if count_words(text_of(cleaned.body)) < MIN_VISIBLE_WORDS:
        return "", main
    renderer = MarkdownRenderer(fresh.base_url, drop_data_images=options.remove_base64_images)
    return renderer.render([cleaned.body]), MainContent([cleaned.body], False, main.page_chars)


def extract_main_markdown(html: str, url: str) -> str:
    """The default output: main-content markdown with the document envelope."""
    page = parse_html(html, url)
    title = " ".join((page.root.findtext(".//title") or "").split()) or None
    return _main_output(page, html, ConvertOptions(), title, body_of(page.root)).markdown


def convert_document(
    body: str,
    *,
    media_type: str | None,
    url: str,
    formats: Sequence[str],
    options: ConvertOptions = ConvertOptions(),
) -> Converted:
    kind = document_kind(media_type, body)
    if kind != "html":
        return convert_text_document(body, kind=kind, url=url, formats=formats, options=options)
    return convert_parsed(parse_html(body, url), body, url=url, formats=formats, options=options)


def convert_parsed(
    parsed: ParsedPage,
    html: str,
    *,
    url: str,
    formats: Sequence[str],
    options: ConvertOptions = ConvertOptions(),
) -> Converted:
    """``convert_document`` of an HTML page the caller parsed with ``parse_html(html, url)``;
    the conversion prunes ``parsed.root`` in place, so read the tree before, not after."""
    try:
        return _convert_html(parsed, html, url, formats, options)
    except RecursionError:
        # Pathological nesting: fall back to the page's plain text rather than failing.
        logger.warning("HTML too deeply nested for conversion; returning plain text of %s", url)
        text = flat_text(body_of(parse_html(html, url).root))
        return convert_text_document(text, kind="text", url=url, formats=formats, options=options)


@dataclass
class HtmlResult:
    """Everything the formats of one HTML page are built from."""

    url: str
    base_url: str
    options: ConvertOptions
    metadata: PageMetadata
    entities: list[JsonObject]
    out: MainOutput
    main_text: str
    words: int
    links: list[LinkRecord] = field(default_factory=list)
    images: list[ImageRecord] = field(default_factory=list)

    @property
    def roots(self) -> list[Element]:
        return self.out.main.roots

    def described_links(self) -> list[LinkEntry]:
        return describe_links(self.links, set(self.roots), self.base_url)


def _format_value(name: str, page: HtmlResult) -> FormatValue:
    """The value of format ``name``, one of ``KNOWN_FORMATS`` (the last one is ``content``)."""
    options = page.options
    drop_data = options.remove_base64_images
    if name == "markdown":
        return page.out.markdown
    if name == "text":
        return MarkdownRenderer(page.base_url, plain=True).render(page.roots)
    if name == "html":
        return clean_html(page.roots, page.base_url, drop_data_images=drop_data)
    if name == "json":
        return build_page_json(
            url=page.url,
            metadata=page.metadata,
            entities=page.entities,
            main_text=page.main_text,
            word_count=page.words,
            promote=options.promote_schema_org,
        )
    if name == "json_v2":
        return build_json_v2(
            page.roots,
            MarkdownRenderer(page.base_url, plain=True, drop_data_images=drop_data),
            url=page.url,
            title=page.metadata["title"],
            language=page.metadata["language"],
            links=page.described_links(),
            rules=options.section_filter,
        )
    if name == "rag":
        return chunk_markdown(
            page.out.markdown,
            final_url=page.url,
            max_tokens=options.rag_chunk_tokens,
            overlap_tokens=options.rag_overlap_tokens,
        )
    return _content_result(page)


def _content_result(page: HtmlResult) -> ContentDocument:
    return content_document(
        page.out.body_markdown,
        page.words,
        describe_images(page.images, set(page.roots), page.metadata["image"]),
        content_links(page.described_links()),
    )


def _count_tags(roots: list[Element], tag: str) -> int:
    return sum(1 for root in roots for _ in root.iter(tag))


def _inventory(
    body: Element, base_url: str, formats: Sequence[str], options: ConvertOptions
) -> tuple[list[LinkRecord], list[ImageRecord]]:
    """Links and images of the whole page, taken before extraction prunes the tree."""
    if "json_v2" not in formats and "content" not in formats:
        return [], []
    images = collect_images(body, base_url, options.remove_base64_images)
    return collect_links(body, base_url), images


def _convert_html(
    parsed: ParsedPage, html: str, url: str, formats: Sequence[str], options: ConvertOptions
) -> Converted:
    root = parsed.root
    discovered = _discovered_links(parsed, html, url) if options.discover_links else None
    entities = all_entities(root) if "json" in formats else json_ld_entities(root)
    metadata = extract_metadata(root, parsed.base_url, entities)
    signals = page_signals(root, entities)
    facts = _page_facts(parsed, html, url, metadata) if options.collect_facts else None
    body = body_of(root)
    links, images = _inventory(body, parsed.base_url, formats, options)
    out = _main_output(parsed, html, options, metadata["title"], body)
    main_text = markdown_text(out.body_markdown).strip()
    words = count_words(main_text)
    if facts is not None:
        facts = with_main_content(facts, out.body_markdown, main_text, words)
    page = HtmlResult(
        url, parsed.base_url, options, metadata, entities, out, main_text, words, links, images
    )
    quality = content_quality(
        main_text=main_text,
        word_count=page.words,
        html_bytes=parsed.html_bytes,
        image_count=_count_tags(page.roots, "img"),
        link_count=_count_tags(page.roots, "a"),
        main_found=out.main.found,
        signals=signals,
    )
    return Converted(
        formats={name: _format_value(name, page) for name in formats if name in KNOWN_FORMATS},
        markdown=out.markdown,
        metadata=dict(metadata),
        title=metadata["title"],
        description=metadata["description"],
        language=metadata["language"],
        author=metadata["author"],
        published_at=metadata["published_at"],
        content_quality=quality,
        word_count=page.words,
        truncation_reason=out.truncation_reason,
        links=discovered,
        facts=facts,
    )


def _discovered_links(parsed: ParsedPage, html: str, url: str) -> tuple[str, ...]:
    """Every link of the page, read before extraction prunes the tree (whole page, not cut)."""
    root = parse_html(html, url, whole=True).root if parsed.truncated_input else parsed.root
    return tuple(page_links(root, url))


def _page_facts(parsed: ParsedPage, html: str, url: str, metadata: PageMetadata) -> PageFacts:
    """What extraction reads, taken before extraction prunes the tree (whole page, not cut)."""
    whole = parse_html(html, url, whole=True) if parsed.truncated_input else parsed
    return collect_page_facts(whole.root, url=url, base_url=whole.base_url, metadata=metadata)
