"""Firecrawl's official client, unmodified, scraping the fixture site through scrapegate."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from firecrawl import Firecrawl
from firecrawl.v2.utils.error_handler import (
    BadRequestError,
    InternalServerError,
    RequestTimeoutError,
    UnauthorizedError,
)

from tests.site.pages import ARTICLE_SENTENCE, ARTICLE_TITLE


def test_markdown_by_default(firecrawl: Any, site: str) -> None:
    url = f"{site}/article"
    doc = firecrawl.scrape(url)
    assert ARTICLE_SENTENCE in doc.markdown
    assert doc.html is None and doc.raw_html is None and doc.links is None
    meta = doc.metadata
    assert meta.status_code == 200
    assert meta.source_url == url and meta.url == url
    assert ARTICLE_TITLE in meta.title
    assert meta.og_title == ARTICLE_TITLE
    assert meta.language == "en"
    assert meta.proxy_used == "basic"
    assert meta.credits_used >= 1
    uuid.UUID(meta.scrape_id)


def test_html_and_raw_html(firecrawl: Any, site: str) -> None:
    doc = firecrawl.scrape(f"{site}/article", formats=["html", "rawHtml"])
    assert doc.markdown is None
    assert "<h1>How Scrapegate Reads the Web</h1>" in doc.html
    assert "<title>" not in doc.html  # html is the cleaned main content
    assert doc.raw_html.lstrip().startswith("<!DOCTYPE html>")
    assert "<title>How Scrapegate Reads the Web - Fixture Blog</title>" in doc.raw_html


def test_links_are_absolute_and_unique(firecrawl: Any, site: str) -> None:
    doc = firecrawl.scrape(f"{site}/", formats=["links"])
    assert doc.markdown is None
    assert f"{site}/article" in doc.links and f"{site}/pdf" in doc.links
    assert "https://example.com/external" in doc.links
    assert len(doc.links) == len(set(doc.links))
    assert all(link.startswith(("http://", "https://")) for link in doc.links)


def test_screenshot_is_a_png(firecrawl: Any, site: str) -> None:
    doc = firecrawl.scrape(f"{site}/article", formats=["markdown", "screenshot"])
    assert ARTICLE_SENTENCE in doc.markdown
    image = httpx.get(doc.screenshot, timeout=30)
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert doc.metadata.proxy_used == "stealth"  # a browser tier (4) did the work
    assert doc.metadata.model_extra["tierUsed"] == "4"  # extra keys stay camelCase


def test_second_scrape_is_a_cache_hit(firecrawl: Any, site: str) -> None:
    url = f"{site}/article?cache-probe={uuid.uuid4()}"
    first = firecrawl.scrape(url, formats=["markdown"])
    second = firecrawl.scrape(url, formats=["markdown"])
    assert first.metadata.cache_state == "miss" and first.metadata.credits_used >= 1
    assert second.metadata.cache_state == "hit" and second.metadata.credits_used == 0
    assert second.metadata.cached_at
    assert second.markdown == first.markdown
    assert second.metadata.scrape_id != first.metadata.scrape_id
    fresh = firecrawl.scrape(url, formats=["markdown"], max_age=0)
    assert fresh.metadata.cache_state is None and fresh.metadata.credits_used >= 1


def test_missing_target_page_is_a_document_with_its_status(firecrawl: Any, site: str) -> None:
    doc = firecrawl.scrape(f"{site}/status/404")
    assert doc.metadata.status_code == 404
    assert doc.metadata.error == "Not Found"
    assert "Status 404" in doc.markdown


def test_block_page_raises_with_our_code(firecrawl: Any, site: str) -> None:
    with pytest.raises(InternalServerError) as caught:
        firecrawl.scrape(f"{site}/block/access-denied")
    assert caught.value.status_code == 500
    assert caught.value.code == "SCRAPE_BLOCKED_BY_ANTIBOT"
    assert "All scraping engines failed!" in str(caught.value)
    details = caught.value.response.json()["details"]
    assert details["attempts"][0]["engine"] == "tier1-curl"


def test_challenge_raises_with_our_code(firecrawl: Any, site: str) -> None:
    with pytest.raises(InternalServerError) as caught:
        firecrawl.scrape(f"{site}/challenge/cloudflare")
    assert caught.value.code == "SCRAPE_CHALLENGE_DETECTED"
    assert "Cloudflare" in str(caught.value)


def test_bad_url_is_a_bad_request(firecrawl: Any) -> None:
    with pytest.raises(BadRequestError) as caught:
        firecrawl.scrape("ftp://127.0.0.1/file.txt")
    assert caught.value.status_code == 400
    body = caught.value.response.json()
    assert body == {
        "success": False,
        "error": "Bad Request",
        "details": [{"code": "custom", "path": ["url"], "message": "Invalid URL"}],
    }


def test_wait_for_beyond_half_the_timeout_is_refused(firecrawl: Any, site: str) -> None:
    with pytest.raises(BadRequestError) as caught:
        firecrawl.scrape(f"{site}/article", wait_for=3_000, timeout=4_000)
    assert "waitFor must not exceed half of timeout" in str(caught.value)


def test_slow_target_times_out_with_408(firecrawl: Any, site: str) -> None:
    with pytest.raises(RequestTimeoutError) as caught:
        firecrawl.scrape(f"{site}/slow?delay=30", timeout=2_000)
    assert caught.value.status_code == 408
    assert caught.value.code == "SCRAPE_TIMEOUT"


def test_wrong_key_is_refused(server: str, site: str) -> None:
    stranger = Firecrawl(api_key="sk_test_" + "Z" * 32, api_url=server)
    with pytest.raises(UnauthorizedError) as caught:
        stranger.scrape(f"{site}/article")
    assert caught.value.code == "UNAUTHORIZED"


def test_no_key_is_refused(server: str, site: str) -> None:
    response = httpx.post(f"{server}/v2/scrape", json={"url": f"{site}/article"})
    assert response.status_code == 401
    assert response.json() == {
        "success": False,
        "error": "Unauthorized: Invalid token",
        "code": "UNAUTHORIZED",
    }


def test_a_scrape_reads_back_by_its_id(firecrawl: Any, server: str, key: str, site: str) -> None:
    doc = firecrawl.scrape(f"{site}/article?read-back={uuid.uuid4()}", formats=["markdown", "html"])
    headers = {"Authorization": f"Bearer {key}"}
    response = httpx.get(f"{server}/v2/scrape/{doc.metadata.scrape_id}", headers=headers)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["markdown"] == doc.markdown and data["html"] == doc.html
    assert data["metadata"]["scrapeId"] == doc.metadata.scrape_id
    missing = httpx.get(f"{server}/v2/scrape/{uuid.uuid4()}", headers=headers)
    assert missing.status_code == 404
    assert missing.json() == {"success": False, "error": "Job not found"}


def test_actions_run_in_the_browser(firecrawl: Any, site: str) -> None:
    doc = firecrawl.scrape(
        f"{site}/render/button",
        formats=["markdown"],
        actions=[
            {"type": "click", "selector": "#reveal"},
            {"type": "wait", "selector": "#secret"},
            {"type": "executeJavascript", "script": "document.title"},
        ],
    )
    assert "The secret paragraph appears after the button is clicked." in doc.markdown
    assert len(doc.actions["javascriptReturns"]) == 1


def test_wait_for_renders_the_page(firecrawl: Any, site: str) -> None:
    doc = firecrawl.scrape(f"{site}/render/spa", formats=["markdown"], wait_for=500)
    assert "Rendered catalogue of fixture widgets" in doc.markdown
    assert doc.metadata.model_extra["tierUsed"] == "4"
