"""A core scrape result read as Firecrawl's Document (camelCase metadata, credits, links)."""

from __future__ import annotations

from typing import Any, cast

from scrapegate.api.firecrawl.v2_document import DocumentView, credits_of, document_from
from scrapegate.domain.scrape_document import ScrapeResultDocument

PAGE = "https://example.com/post"
RAW = (
    '<html><head><base href="https://example.com/blog/"></head><body>'
    '<a href="a">A</a><a href="/b#top">B</a><a href="a">again</a>'
    '<a href="mailto:x@example.com">mail</a><a href="https://other.org/">other</a></body></html>'
)
VIEW = DocumentView(
    markdown=True, html=False, raw_html=False, links=True, screenshot=True, cache_lookup=True
)


def core_result(**overrides: Any) -> ScrapeResultDocument:
    result: dict[str, Any] = {
        "job_id": "6b1f0c5e-2a8d-4f7b-9c3e-0d4a5b6c7e8f",
        "url": PAGE + "?ref=x",
        "final_url": PAGE,
        "status_code": 200,
        "content_type": "text/html",
        "content": {"markdown": "# Post", "text": "Post"},
        "title": "Post",
        "description": "About the post",
        "language": "en",
        "published_at": "2026-03-02T10:00:00.000Z",
        "metadata": {
            "keywords": ["release", "v2"],
            "robots": "index,follow",
            "favicon": "https://example.com/favicon.ico",
            "modified_at": None,
            "open_graph": {"title": "OG Post", "site_name": "Example", "locale:alternate": "de_DE"},
            "twitter": {"card": "summary"},
            "meta": {"description": "About the post", "viewport": "width=device-width"},
        },
        "headers": {"content-type": "text/html; charset=utf-8"},
        "cached": False,
        "warning": None,
        "raw_html": RAW,
        "screenshot_base64": "iVBORw0KGgo=",
        "credits_used": 2_200,
        "billing": {"tier_used": "1", "addons": []},
    }
    result.update(overrides)
    return cast(ScrapeResultDocument, result)


def test_metadata_is_camel_case_with_passthrough_meta() -> None:
    wire = document_from(core_result(), VIEW).wire()
    meta = wire["metadata"]
    assert meta["sourceURL"] == PAGE + "?ref=x" and meta["url"] == PAGE
    assert meta["statusCode"] == 200 and meta["scrapeId"].startswith("6b1f")
    assert meta["contentType"] == "text/html; charset=utf-8"
    assert meta["ogTitle"] == "OG Post" and meta["ogSiteName"] == "Example"
    assert meta["ogLocaleAlternate"] == ["de_DE"]
    assert meta["keywords"] == "release, v2" and meta["robots"] == "index,follow"
    assert meta["publishedTime"] == "2026-03-02T10:00:00.000Z"
    assert meta["viewport"] == "width=device-width" and meta["twitter:card"] == "summary"
    assert meta["proxyUsed"] == "basic" and meta["cacheState"] == "miss"
    assert meta["creditsUsed"] == 3 and meta["tierUsed"] == "1"
    assert "error" not in meta and "modifiedTime" not in meta


def test_only_requested_outputs_appear() -> None:
    wire = document_from(core_result(), VIEW).wire()
    assert wire["markdown"] == "# Post"
    assert "html" not in wire and "rawHtml" not in wire
    assert wire["links"] == [
        "https://example.com/blog/a",
        "https://example.com/b",
        "https://other.org/",
    ]
    assert wire["screenshot"] == "data:image/png;base64,iVBORw0KGgo="


def test_cache_hits_cost_nothing() -> None:
    hit = core_result(cached=True, credits_used=0)
    meta = document_from(hit, VIEW, "2026-03-02T10:00:00.000Z").wire()["metadata"]
    assert meta["cacheState"] == "hit" and meta["creditsUsed"] == 0
    assert meta["cachedAt"] == "2026-03-02T10:00:00.000Z"
    assert credits_of(0, cached=False) == 1 and credits_of(1_001, cached=False) == 2


def test_target_errors_and_high_tiers() -> None:
    result = core_result(status_code=404, billing={"tier_used": "3", "addons": []})
    meta = document_from(result, VIEW).wire()["metadata"]
    assert meta["statusCode"] == 404 and meta["error"] == "Not Found"
    assert meta["proxyUsed"] == "stealth"


def test_ignored_formats_and_core_warnings_become_the_warning() -> None:
    view = DocumentView(False, False, False, False, False, False, ("Format ignored.",))
    wire = document_from(core_result(warning="Thin content."), view).wire()
    assert wire["warning"] == "Format ignored. Thin content."
    assert "cacheState" not in wire["metadata"]  # no lookup happened
