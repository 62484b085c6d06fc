"""Key order of the documents conversion returns: responses serialise them as they are."""

from __future__ import annotations

from scrapegate.convert import ConvertOptions, SectionFilter, convert_document

PAGE = """<html lang="en"><head><title>Shapes</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product",
 "name": "Lamp", "page": "ignored"}</script></head>
<body><main><h1>Shapes</h1><p>Some words about a lamp, and <a href="/more">more</a>.</p>
<h2>Details</h2><ul><li>one</li><li>two</li></ul><img src="/lamp.png" alt="lamp">
</main></body></html>"""
URL = "https://example.com/lamp"
FORMATS = ["json", "json_v2", "rag", "content"]
METADATA_KEYS = [
    "title", "description", "language", "canonical_url", "favicon", "site_name", "image",
    "keywords", "robots", "author", "published_at", "modified_at", "open_graph", "twitter", "meta",
]  # fmt: skip
PAGE_KEYS = [
    "url", "title", "description", "language", "canonical_url", "author", "published_at",
    "modified_at", "site_name", "image", "favicon",
]  # fmt: skip


def test_html_documents_keep_their_key_order() -> None:
    result = convert_document(PAGE, media_type="text/html", url=URL, formats=FORMATS)
    page_json = result.formats["json"]
    assert list(page_json) == [
        "@type", "name", "page", "metadata", "open_graph", "twitter", "schema_org", "main_text",
        "word_count",
    ]  # fmt: skip
    assert list(page_json["page"]) == PAGE_KEYS
    json_v2 = result.formats["json_v2"]
    assert list(json_v2) == ["version", "url", "title", "language", "sections", "links", "stats"]
    section = json_v2["sections"][0]
    assert list(section) == ["id", "heading", "path", "blocks", "children"]
    assert list(json_v2["links"][0]) == ["url", "text", "type", "role"]
    assert list(json_v2["stats"]) == ["sections", "blocks", "words"]
    rag = result.formats["rag"]
    assert list(rag) == ["chunking", "chunks", "total_chunks", "total_tokens_estimate"]
    assert list(rag["chunks"][0]) == [
        "id", "index", "heading_path", "text", "token_estimate", "word_count", "char_start",
        "char_end",
    ]  # fmt: skip
    content = result.formats["content"]
    assert list(content) == ["body_markdown", "content_hash", "word_count", "images", "links"]
    assert list(content["images"][0]) == ["url", "alt", "role"]
    assert list(content["links"][0]) == ["url", "text", "role"]
    assert list(result.metadata) == METADATA_KEYS
    assert list(result.content_quality) == [
        "word_count", "text_length", "html_bytes", "text_to_html_ratio", "image_count",
        "link_count", "main_content_found", "js_shell_suspected", "block_page_suspected",
        "login_wall_detected", "paywall_detected", "quality_score",
    ]  # fmt: skip


def test_content_only_json_v2_lists_blocks_before_links() -> None:
    options = ConvertOptions(section_filter=SectionFilter(content_only=True))
    for body, media_type in ((PAGE, "text/html"), ("Plain words.", "text/plain")):
        result = convert_document(
            body, media_type=media_type, url=URL, formats=["json_v2"], options=options
        )
        json_v2 = result.formats["json_v2"]
        assert list(json_v2) == ["version", "url", "title", "language", "blocks", "links", "stats"]


def test_text_documents_put_keywords_after_modified_at() -> None:
    result = convert_document("Plain words.", media_type="text/plain", url=URL, formats=["json"])
    keywords_last = [k for k in METADATA_KEYS if k != "keywords"]
    keywords_last.insert(keywords_last.index("modified_at") + 1, "keywords")
    assert list(result.metadata) == keywords_last
    assert list(result.formats["json"]["page"]) == PAGE_KEYS
